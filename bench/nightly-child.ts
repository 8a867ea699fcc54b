/**
 * One measured nightly run, in its own Node process started by bench/nightly.ts with the heap
 * capped (`--max-old-space-size`), so "it fits" is proven by finishing. Reads SUMMARY
 * (`key<TAB>value` lines) and RAW (one JSON entry a line) from the files the parent wrote, runs
 * the night for the day as production does, `runNight` step by step as the Workflow carries it
 * (bench/step-host.ts: each step measured, its KV operations capped at MAX_KV_OPS), counts the
 * movement series it wrote a point of the day to, then runs it again, and prints one JSON line.
 *
 * The parent also bundles this file with the summarizer of an earlier commit (bench/nightly.ts
 * `childScript`), whose run.ts has no `runNight` (hence the namespace import): that one runs
 * `summarize` in one call, measured as one step.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DAY_MS } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { parseChunk, parseChunkKey, yearOf } from "@pulp-analytics/shared/store";
import { isMovementGroup } from "@pulp-analytics/shared/summary";
import * as run from "../workers/summarizer/src/run";
import { lines, newTraffic, rawNamespace, summaryNamespace, type Traffic } from "./kv-namespace";
import { measured, measuredHost, type StepCost } from "./step-host";

const [summaryFile, rawFile, dayArg] = process.argv.slice(2) as [string, string, string];

/** What this child reports of a run: the baseline's result has `seriesWrites` and no `applied`. */
type AnyResult = Awaited<ReturnType<typeof run.summarize>> & { seriesWrites?: number };
const writesOf = (result: AnyResult) =>
  result.applied ? result.applied.writes + result.applied.deletes : (result.seriesWrites ?? 0);
const day = Number(dayArg);
const { runNight } = run as Partial<typeof run>;

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

/** The movement families (shared/src/summary/movement.ts), longest prefix first. */
const MOVEMENT_FAMILIES = [
  "on_release_median__",
  "left_behind_on__",
  "upgrades__",
  "on_release__",
  "left_behind__",
] as const;

/** Movement series with a point on the day in SUMMARY, by family. */
function movementOnDay(): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(MOVEMENT_FAMILIES.map((f) => [f, 0]));
  for (const [name, value] of summary) {
    const chunk = parseChunkKey(name);
    if (!chunk || chunk.year !== yearOf(day) || !isMovementGroup(chunk.group)) continue;
    for (const [key, points] of parseChunk(value.toString())) {
      const family = MOVEMENT_FAMILIES.find((f) => key.startsWith(f));
      if (family && points.some(([d]) => d === day)) counts[family] = (counts[family] ?? 0) + 1;
    }
  }
  return counts;
}

async function night(traffic: Traffic) {
  const env = {
    RAW: rawNamespace(pages, traffic),
    SUMMARY: summaryNamespace(summary, traffic),
    ENVIRONMENT: "production",
    PERSISTENT_MIN_AGE_DAYS: "1",
  } as SummarizerEnv;
  const options = { now: day + DAY_MS };
  const steps: StepCost[] = [];
  const started = performance.now();
  let result: AnyResult;
  if (runNight) {
    result = await runNight(env, measuredHost(traffic, steps), day, options);
  } else {
    const [value, cost] = await measured(traffic, "one call", () =>
      run.summarize(env, day, options),
    );
    result = value;
    steps.push(cost);
  }
  return {
    systems: result.report.systems,
    backfilled: result.report.backfilled?.length ?? 0,
    kvOps: result.report.kvOps,
    writes: writesOf(result),
    bytesRead: traffic.bytesRead,
    bytesWritten: traffic.bytesWritten,
    rawBytesRead: traffic.rawBytesRead,
    baseHeapMB: Math.min(...steps.map((s) => s.baseHeapMB)),
    peakHeapMB: Math.max(...steps.map((s) => s.peakHeapMB)),
    wallMs: performance.now() - started,
    cpuMs: steps.reduce((n, s) => n + s.cpuMs, 0),
    steps,
  };
}

const first = await night(newTraffic());
const after = digest();
const movement = runNight ? movementOnDay() : undefined;
const rerun = await night(newTraffic());
console.log(JSON.stringify({ first, rerun, identical: digest() === after, movement }));
// The night must have written every movement family, or the figures measure nothing of them.
const missing = Object.entries(movement ?? {}).filter(([, n]) => n === 0);
if (missing.length > 0) {
  console.error(`no movement series on the day: ${missing.map(([f]) => f).join(", ")}`);
  process.exit(3);
}
