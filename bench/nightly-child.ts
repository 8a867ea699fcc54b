/**
 * One measured nightly run, in its own Node process started by bench/nightly.ts with the heap
 * capped (`--max-old-space-size`), so "it fits" is proven by finishing, and the peak is sampled
 * at every KV call. Reads SUMMARY (`key<TAB>value` lines) and RAW (one JSON entry a line) from
 * the files the parent wrote, runs the summarizer for the day, then runs it again, and prints
 * one JSON line.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DAY_MS } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { summarize } from "../workers/summarizer/src/run";
import { lines, newTraffic, rawNamespace, summaryNamespace, type Traffic } from "./kv-namespace";

const [summaryFile, rawFile, dayArg] = process.argv.slice(2) as [string, string, string];

/**
 * What this child reports of a run. The same child is also bundled with the summarizer of the
 * baseline commit (bench/nightly.ts), whose result has `seriesWrites` and no `applied`.
 */
type AnyResult = Awaited<ReturnType<typeof summarize>> & { seriesWrites?: number };
const writesOf = (result: AnyResult) =>
  result.applied ? result.applied.writes + result.applied.deletes : (result.seriesWrites ?? 0);
const day = Number(dayArg);

const summary = new Map<string, Buffer>();
for (const line of lines(readFileSync(summaryFile))) {
  const tab = line.indexOf(9);
  summary.set(line.subarray(0, tab).toString(), Buffer.from(line.subarray(tab + 1)));
}
// RAW's list pages of a thousand entries, as KV returns them.
const pages: Buffer[] = [];
let page: Buffer[] = [];
const NEWLINE = Buffer.from("\n");
const flush = () => {
  if (page.length > 0) pages.push(Buffer.concat(page.flatMap((line) => [line, NEWLINE])));
  page = [];
};
for (const line of lines(readFileSync(rawFile))) {
  page.push(line);
  if (page.length === 1000) flush();
}
flush();

const digest = () => {
  const hash = createHash("sha256");
  for (const key of [...summary.keys()].sort()) hash.update(key).update(summary.get(key) as Buffer);
  return hash.digest("hex");
};

async function run(traffic: Traffic) {
  const env = {
    RAW: rawNamespace(pages, traffic),
    SUMMARY: summaryNamespace(summary, traffic),
    ENVIRONMENT: "production",
    PERSISTENT_MIN_AGE_DAYS: "1",
  } as SummarizerEnv;
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result: AnyResult = await summarize(env, day, { now: day + DAY_MS });
  const used = process.cpuUsage(cpu);
  return {
    systems: result.report.systems,
    backfilled: result.report.backfilled?.length ?? 0,
    kvOps: result.report.kvOps,
    writes: writesOf(result),
    bytesRead: traffic.bytesRead,
    bytesWritten: traffic.bytesWritten,
    rawBytesRead: traffic.rawBytesRead,
    baseHeapMB: base / 2 ** 20,
    peakHeapMB: traffic.peakHeap / 2 ** 20,
    wallMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
  };
}

const first = await run(newTraffic());
const after = digest();
const rerun = await run(newTraffic());
console.log(JSON.stringify({ first, rerun, identical: digest() === after }));
