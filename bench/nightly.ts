/**
 * The nightly run at realistic sizes: 1, 5 and 10 years of history (bench/calendar.ts, Pulp's
 * release calendar) × 1,000, 10,000 and 100,000 installations checking in on the day
 * (bench/population.ts). For each size the parent writes SUMMARY (the history, through the store
 * as the summarizer and importer write it) and RAW (ingest's metadata) to files; a child Node
 * process with its heap capped at {@link HEAP_CAP_MB} MB runs the summarizer over in-memory
 * bindings (bench/kv-namespace.ts) and reports KV operations, bytes read and written, the peak
 * heap and the time, then a rerun of the same day.
 * Two more sizes miss the whole retention window (59 nights, recorded in RAW): what one run fills.
 * Alone: `node scripts/run.mjs bench/nightly.ts [YEARSxINSTALLATIONS[xMISSED] …]`, e.g. `10x100000`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { memoryKV } from "../shared/src/memory-kv";
import { encodeMeta } from "../shared/src/metadata";
import { DAY_MS, RAW_TTL_SECONDS } from "../shared/src/names";
import { applyDays, yearOf } from "../shared/src/store";
import { ReleaseCalendar } from "./calendar";
import { recordOf, systemId } from "./population";

/** Half a Worker's 128 MB: the target for one run's peak heap (issue 9). */
export const HEAP_CAP_MB = 64;
/** The summarized day; the history ends the day before. */
const DAY = Date.UTC(2026, 10, 20);

export interface NightlyRun {
  years: number;
  installations: number;
  /** Nights before the day without a summary, which the run fills (RAW records those days). */
  missed: number;
  historyKeys: number;
  historyMB: number;
  first: Measured;
  rerun: Measured;
  identical: boolean;
  /** Exit status of the capped child: non-zero means it did not fit (or failed). */
  status: number | null;
  error?: string;
}

interface Measured {
  systems: number;
  backfilled: number;
  kvOps: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  rawBytesRead: number;
  baseHeapMB: number;
  peakHeapMB: number;
  wallMs: number;
  cpuMs: number;
}

async function childScript(dir: string): Promise<string> {
  const outfile = join(dir, "nightly-child.mjs");
  await build({
    entryPoints: [resolve("bench/nightly-child.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
  });
  return outfile;
}

/** The longest history measured; shorter ones are its last years. */
const CALENDAR_YEARS = 10;

/**
 * SUMMARY after the last `years` of a ten-year calendar, ending `missed` + 1 days before
 * {@link DAY}: the same service after one, five or ten years, so the current year (all a night
 * touches) is the same and any difference between the rows is the history behind it.
 */
async function history(
  years: number,
  installations: number,
  missed: number,
): Promise<Map<string, string>> {
  const lastDay = DAY - (missed + 1) * DAY_MS;
  const calendar = new ReleaseCalendar({ years: CALENDAR_YEARS, installations, lastDay });
  const kv = memoryKV();
  const from = lastDay - Math.round(years * 365.25) * DAY_MS;
  const days = calendar.days().filter((day) => day > from);
  for (const year of [...new Set(days.map(yearOf))]) {
    const ofYear = days
      .filter((day) => yearOf(day) === year)
      .map((day) => ({ day, points: calendar.dayPoints(day) }));
    await applyDays(kv, ofYear, { now: DAY });
  }
  return kv.data;
}

/**
 * RAW on {@link DAY}: every installation checked in that day and, when nights were missed, on
 * most of the `missed` days before (nine in ten, varying by installation), as ingest records.
 */
function rawLines(installations: number, missed: number): string {
  const out: string[] = [];
  for (let i = 0; i < installations; i++) {
    const record = recordOf(i, DAY);
    const earlierDays = Array.from({ length: missed }, (_, k) => k + 1).filter(
      (k) => (i * 7 + k * 13) % 10 !== 0,
    );
    out.push(
      JSON.stringify({
        name: systemId(i),
        metadata: encodeMeta(record.facts, { ...record, earlierDays }, "p"),
        expiration: Math.floor(record.lastCheckIn / 1000) + RAW_TTL_SECONDS,
      }),
    );
  }
  return `${out.join("\n")}\n`;
}

/** [years of history, installations, missed nights before the day]. */
export type Size = [number, number, number];

export const DEFAULT_SIZES: Size[] = [
  ...[1, 5, 10].flatMap((years) => [1_000, 10_000, 100_000].map((n) => [years, n, 0] as Size)),
  // The whole retention window missed (59 nights) at 10 years: what one run can fill.
  [10, 10_000, 59],
  [10, 100_000, 59],
];

export async function benchNightly(sizes = DEFAULT_SIZES): Promise<NightlyRun[]> {
  const dir = join(tmpdir(), `pulp-analytics-nightly-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const child = await childScript(dir);
    const runs: NightlyRun[] = [];
    const rawFiles = new Map<string, string>();
    for (const [years, installations, missed] of sizes) {
      const summary = await history(years, installations, missed);
      const summaryFile = join(dir, `summary-${years}-${installations}-${missed}.tsv`);
      writeFileSync(summaryFile, [...summary].map(([k, v]) => `${k}\t${v}\n`).join(""));
      const rawKey = `${installations}-${missed}`;
      let rawFile = rawFiles.get(rawKey);
      if (!rawFile) {
        rawFile = join(dir, `raw-${rawKey}.jsonl`);
        writeFileSync(rawFile, rawLines(installations, missed));
        rawFiles.set(rawKey, rawFile);
      }
      const result = spawnSync(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_CAP_MB}`,
          "--expose-gc",
          child,
          summaryFile,
          rawFile,
          String(DAY),
        ],
        { encoding: "utf8", maxBuffer: 1 << 24 },
      );
      const historyMB = [...summary.values()].reduce((n, v) => n + v.length, 0) / 2 ** 20;
      const base = {
        years,
        installations,
        historyKeys: summary.size,
        historyMB,
        status: result.status,
      };
      const line = result.stdout.trim().split("\n").at(-1) ?? "";
      try {
        runs.push({ ...base, ...JSON.parse(line) });
      } catch {
        runs.push({
          ...base,
          error: result.stderr.trim().split("\n").slice(-3).join(" "),
        } as NightlyRun);
      }
      console.error(
        `nightly: ${years} y × ${installations.toLocaleString("en")}${missed ? `, ${missed} missed nights` : ""} measured`,
      );
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

export function nightlyTable(runs: NightlyRun[]): string {
  return [
    `| history | installations | missed nights filled | SUMMARY keys (MB) | KV ops | writes | SUMMARY read MB | SUMMARY written MB | RAW listed MB | peak heap MB (base) | wall ms | CPU ms | rerun: KV ops, writes | rerun identical |`,
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...runs.map((r) =>
      r.first
        ? `| ${r.years} y | ${r.installations.toLocaleString("en")} | ${r.first.backfilled} | ${r.historyKeys} (${r.historyMB.toFixed(1)}) | ${r.first.kvOps} | ${r.first.writes} | ${mb(r.first.bytesRead)} | ${mb(r.first.bytesWritten)} | ${mb(r.first.rawBytesRead)} | ${r.first.peakHeapMB.toFixed(1)} (${r.first.baseHeapMB.toFixed(1)}) | ${r.first.wallMs.toFixed(0)} | ${r.first.cpuMs.toFixed(0)} | ${r.rerun.kvOps}, ${r.rerun.writes} | ${r.identical ? "yes" : "**no**"} |`
        : `| ${r.years} y | ${r.installations.toLocaleString("en")} | ${r.missed} | ${r.historyKeys} | **failed under ${HEAP_CAP_MB} MB** (exit ${r.status}): ${r.error ?? ""} |||||||||||`,
    ),
  ].join("\n");
}

if (process.argv[1]?.includes("nightly")) {
  // `YEARSxINSTALLATIONS[xMISSED]`, e.g. 10x100000 or 10x100000x59.
  const sizes = process.argv
    .slice(2)
    .map((arg) => {
      const [years = 0, installations = 0, missed = 0] = arg.split("x").map(Number);
      return [years, installations, missed] as Size;
    })
    .filter(([y, n]) => y > 0 && n > 0);
  console.log(nightlyTable(await benchNightly(sizes.length > 0 ? sizes : undefined)));
}
