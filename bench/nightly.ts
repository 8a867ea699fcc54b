/**
 * The nightly run at realistic sizes: 1, 5 and 10 years of history (fixtures/src/calendar.ts, Pulp's
 * release calendar, with the movement series since {@link MOVEMENT_FROM}) × 1,000, 10,000 and
 * 100,000 installations checking in on the day (fixtures/src/population.ts, with their movement).
 * For each size the parent writes SUMMARY (the history, through the store as the summarizer and
 * importer write it) and RAW (ingest's metadata) to files; a child Node process with its heap
 * capped at {@link HEAP_CAP_MB} MB runs the night as the Workflow does, step by step, over
 * in-memory bindings (bench/kv-namespace.ts) and reports each step's KV operations, CPU and peak
 * heap, bytes read and written, the movement series written, then a rerun of the same day.
 * Two more sizes miss the whole retention window (59 nights, recorded in RAW): what one run fills.
 * Alone: `node scripts/run.mjs bench/nightly.ts [YEARSxINSTALLATIONS[xMISSED] …]`, e.g. `10x100000`.
 */
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ReleaseCalendar } from "@pulp-analytics/fixtures/calendar";
import { populationMovement, recordOf, systemId } from "@pulp-analytics/fixtures/population";
import { DAY_MS, RAW_TTL_SECONDS } from "@pulp-analytics/shared/config";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { applyDays, parseChunk, parseChunkKey, yearOf } from "@pulp-analytics/shared/store";
import {
  DEFAULT_PUBLISHED_COMPONENTS,
  isMovementGroup,
  type Point,
} from "@pulp-analytics/shared/summary";
import { memoryKV } from "@pulp-analytics/shared/testing";
import { build, type Plugin } from "esbuild";
import { asVersion1, earlierDays } from "./generated-raw";
import { BUDGET, type StepCost } from "./step-host";

/** Half a Worker's 128 MB: the target for one run's peak heap. */
export const HEAP_CAP_MB = 64;
/** The baseline is held to the Worker's own limit: does it fit at all? */
const BASELINE_HEAP_CAP_MB = 128;
/** The summarized day; the history ends the day before. */
export const DAY = Date.UTC(2026, 10, 20);
/**
 * The first day RAW recorded movement in this made-up deployment: the history's last three
 * years have the movement series (the imported years before never had them), so the current
 * year, all a night touches, holds them from 1 January, and RAW knows installations sitting on
 * their x.y for up to three years (left behind 6, 12 and 24 months).
 */
const MOVEMENT_FROM = Date.UTC(2024, 0, 1);

export interface NightlyRun extends ChildResult {
  years: number;
  installations: number;
  /** Nights before the day without a summary, which the run fills (RAW records those days). */
  missed: number;
  historyKeys: number;
  historyMB: number;
  /** Chunks of movement groups in the history (all years). */
  historyMovementChunks: number;
  /** The same night with the summarizer of {@link BASELINE_COMMIT}. */
  baseline?: ChildResult;
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
  /** Over the steps. */
  cpuMs: number;
  steps: StepCost[];
}

/**
 * A child script (`entry`, bench/nightly-child.ts unless said), with this checkout's summarizer
 * or, given a `baseline` folder holding an earlier commit's `shared/` and `workers/summarizer/`,
 * with that one.
 */
export async function childScript(
  dir: string,
  name: string,
  baseline?: string,
  entry = "bench/nightly-child.ts",
): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  const redirect: Plugin = {
    name: "baseline",
    setup(build) {
      if (!baseline) return;
      build.onResolve({ filter: /workers\/summarizer\/src\/run$/ }, () => ({
        path: join(baseline, "workers/summarizer/src/run.ts"),
      }));
      // A face of the shared package: one file before it was regrouped, a folder after.
      build.onResolve({ filter: /^@pulp-analytics\/shared\// }, (args) => {
        if (!args.importer.startsWith(baseline)) return undefined;
        const face = join(baseline, "shared/src", args.path.split("/").pop() ?? "");
        return { path: existsSync(`${face}.ts`) ? `${face}.ts` : join(face, "index.ts") };
      });
    },
  };
  await build({
    entryPoints: [resolve(entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    nodePaths: [resolve("node_modules")],
    plugins: [redirect],
  });
  return outfile;
}

/**
 * The design before the years-of-history work, for "before" figures measured in the same run:
 * one SUMMARY key per series holding its whole history. Its sources come from git.
 */
const BASELINE_COMMIT = "77874d3";

/** `commit`'s `shared/` and `workers/summarizer/` from git into a folder of `dir`; null without git. */
export function extractBaseline(dir: string, commit = BASELINE_COMMIT): string | null {
  const target = join(dir, `baseline-${commit}`);
  mkdirSync(target, { recursive: true });
  try {
    execSync(`git archive ${commit} shared workers/summarizer | tar -x -C ${target}`, {
      stdio: ["ignore", "ignore", "pipe"],
    });
    return target;
  } catch {
    return null;
  }
}

/**
 * The same history in the baseline's layout: every series' whole history under its own key, but
 * the movement series, which that design never had.
 */
function baselineHistory(summary: Map<string, string>): Map<string, string> {
  const series = new Map<string, Point[]>();
  for (const [name, text] of summary) {
    const chunk = parseChunkKey(name);
    if (!chunk || isMovementGroup(chunk.group)) continue;
    for (const [key, points] of parseChunk(text)) {
      series.set(key, [...(series.get(key) ?? []), ...points]);
    }
  }
  return new Map(
    [...series].map(([key, points]) => [key, JSON.stringify(points.sort((a, b) => a[0] - b[0]))]),
  );
}

/** The longest history measured; shorter ones are its last years. */
const CALENDAR_YEARS = 10;

/**
 * SUMMARY after the last `years` of a ten-year calendar, ending `missed` + 1 days before
 * {@link DAY}: the same service after one, five or ten years, so the current year (all a night
 * touches) is the same and any difference between the rows is the history behind it.
 */
export async function history(
  years: number,
  installations: number,
  missed: number,
): Promise<Map<string, string>> {
  const lastDay = DAY - (missed + 1) * DAY_MS;
  const calendar = new ReleaseCalendar({
    years: CALENDAR_YEARS,
    installations,
    lastDay,
    movementFrom: MOVEMENT_FROM,
  });
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

const PUBLISHED = new Set<string>(DEFAULT_PUBLISHED_COMPONENTS);

/** Days before {@link DAY} that RAW records check-ins on (its retention window). */
const EARLIER_DAYS = 59;

/**
 * RAW on {@link DAY}: every installation checked in that day and on nine in ten of the
 * {@link EARLIER_DAYS} days before (varying by installation), as ingest records: the published
 * components with their movement; or, as `version` 1, what the baseline reads. SUMMARY has those
 * days unless nights were missed (or the calendar has a gap day there), which the run then fills.
 */
function rawLines(installations: number, version: 1 | 2): string {
  const out: string[] = [];
  for (let i = 0; i < installations; i++) {
    const record = recordOf(i, DAY);
    const facts = {
      ...record.facts,
      components: record.facts.components.filter((c) => PUBLISHED.has(c.name)),
    };
    const meta = encodeMeta(
      facts,
      { ...record, earlierDays: earlierDays(i, EARLIER_DAYS) },
      "p",
      populationMovement(i, { ...record, facts }, MOVEMENT_FROM),
    );
    out.push(
      JSON.stringify({
        name: systemId(i),
        metadata: version === 1 ? asVersion1(meta) : meta,
        expiration: Math.floor(record.lastCheckIn / 1000) + RAW_TTL_SECONDS,
      }),
    );
  }
  return `${out.join("\n")}\n`;
}

/** [years of history, installations, missed nights before the day]. */
type Size = [number, number, number];

const DEFAULT_SIZES: Size[] = [
  ...[1, 5, 10].flatMap((years) => [1_000, 10_000, 100_000].map((n) => [years, n, 0] as Size)),
  // The whole retention window missed (59 nights) at 10 years: what one run can fill.
  [10, 10_000, 59],
  [10, 100_000, 59],
];

interface ChildResult {
  first?: Measured;
  rerun?: Measured;
  identical?: boolean;
  /** Movement series with a point on the day after the first run, by family (ours only). */
  movement?: Record<string, number>;
  /** Exit status of the capped child: non-zero means it did not fit (or failed). */
  status: number | null;
  error?: string;
}

function runChild(child: string, capMB: number, summaryFile: string, rawFile: string): ChildResult {
  const result = spawnSync(
    process.execPath,
    [`--max-old-space-size=${capMB}`, "--expose-gc", child, summaryFile, rawFile, String(DAY)],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  try {
    const parsed = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "");
    const why = result.status === 0 ? {} : { error: result.stderr.trim().split("\n").at(-1) };
    return { status: result.status, ...parsed, ...why };
  } catch {
    const lines = result.stderr.trim().split("\n");
    const oom = lines.find((line) => /heap out of memory|Allocation failed/.test(line));
    return { status: result.status, error: oom ?? lines.slice(-2).join(" ") };
  }
}

export const writeTsv = (file: string, data: Map<string, string>) =>
  writeFileSync(file, [...data].map(([k, v]) => `${k}\t${v}\n`).join(""));

export async function benchNightly(sizes = DEFAULT_SIZES): Promise<NightlyRun[]> {
  const dir = join(tmpdir(), `pulp-analytics-nightly-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const child = await childScript(dir, "nightly-child");
    const baselineDir = extractBaseline(dir);
    const baseline = baselineDir
      ? await childScript(dir, "nightly-child-baseline", baselineDir)
      : null;
    const runs: NightlyRun[] = [];
    const rawFiles = new Map<string, string>();
    const rawFile = (installations: number, version: 1 | 2) => {
      const key = `${installations}-v${version}`;
      let file = rawFiles.get(key);
      if (!file) {
        file = join(dir, `raw-${key}.jsonl`);
        writeFileSync(file, rawLines(installations, version));
        rawFiles.set(key, file);
      }
      return file;
    };
    for (const [years, installations, missed] of sizes) {
      const summary = await history(years, installations, missed);
      const summaryFile = join(dir, `summary-${years}-${installations}-${missed}.tsv`);
      writeTsv(summaryFile, summary);
      const run: NightlyRun = {
        years,
        installations,
        missed,
        historyKeys: summary.size,
        historyMB: [...summary.values()].reduce((n, v) => n + v.length, 0) / 2 ** 20,
        historyMovementChunks: [...summary.keys()].filter((name) => {
          const chunk = parseChunkKey(name);
          return chunk !== null && isMovementGroup(chunk.group);
        }).length,
        ...runChild(child, HEAP_CAP_MB, summaryFile, rawFile(installations, 2)),
      };
      // The baseline cannot fill missed nights: it is measured on ordinary nights only, over
      // the same installations as the metadata it reads (version 1, no movement).
      if (baseline && missed === 0 && !process.env.NIGHTLY_NO_BASELINE) {
        const oldFile = join(dir, `baseline-${years}-${installations}.tsv`);
        writeTsv(oldFile, baselineHistory(summary));
        run.baseline = runChild(baseline, BASELINE_HEAP_CAP_MB, oldFile, rawFile(installations, 1));
        rmSync(oldFile);
      }
      runs.push(run);
      rmSync(summaryFile);
      const size = `${years} y × ${installations.toLocaleString("en")}${missed ? `, ${missed} missed nights` : ""}`;
      if (run.status === 0) console.error(`nightly: ${size} measured`);
      else {
        // Out of memory, a step over its KV operations, or a movement family not written: the
        // report shows it, and the command fails.
        console.error(`nightly: ${size} FAILED (exit ${run.status}): ${run.error ?? ""}`);
        process.exitCode = 1;
      }
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

const int = (n: number) => Math.round(n).toLocaleString("en");
/** A figure, in bold with a note when it is over its budget. */
const checked = (text: string, over: boolean) => (over ? `**${text} (over)**` : text);

function largest(steps: StepCost[], key: "kvOps" | "cpuMs" | "peakHeapMB"): StepCost {
  return steps.reduce((a, b) => (b[key] > a[key] ? b : a));
}

/** Movement series written on the day, as the table's column says. */
const movementCell = (m: Record<string, number> | undefined) =>
  m
    ? ["upgrades__", "on_release__", "on_release_median__", "left_behind__", "left_behind_on__"]
        .map((family) => {
          const n = m[family] ?? 0;
          return n > 0 ? String(n) : "**0**";
        })
        .join(" / ")
    : "-";

export function nightlyTable(runs: NightlyRun[]): string {
  const failed = (r: ChildResult, cap: number) =>
    r.error && /heap|Allocation failed/.test(r.error)
      ? `**out of memory at ${cap} MB**`
      : `**failed** (exit ${r.status}: ${r.error ?? ""})`;
  const ours = [
    "| history | installations | missed nights filled | SUMMARY keys (MB), of them movement chunks | steps | largest step: KV ops | CPU ms | peak heap MB | total: KV ops | writes | CPU ms | SUMMARY read / written MB | RAW listed MB | movement series on the day: upgrades / on_release / on_release_median / left_behind / left_behind_on | rerun: KV ops, writes | rerun identical |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...runs.map((r) => {
      const head = `| ${r.years} y | ${r.installations.toLocaleString("en")} |`;
      const keys = `${int(r.historyKeys)} (${r.historyMB.toFixed(1)}), ${r.historyMovementChunks}`;
      if (!r.first || !r.rerun)
        return `${head} ${r.missed} | ${keys} | ${failed(r, HEAP_CAP_MB)} ||||||||||||`;
      const f = r.first;
      const ops = largest(f.steps, "kvOps");
      const cpu = largest(f.steps, "cpuMs");
      const heap = largest(f.steps, "peakHeapMB");
      return [
        head.slice(0, -2),
        f.backfilled,
        keys,
        f.steps.length,
        checked(`${ops.kvOps} (${ops.name})`, ops.kvOps > BUDGET.kvOps - 100),
        checked(`${int(cpu.cpuMs)} (${cpu.name})`, cpu.cpuMs > BUDGET.cpuMs),
        checked(`${heap.peakHeapMB.toFixed(1)} (${heap.name})`, heap.peakHeapMB > BUDGET.heapMB),
        f.kvOps,
        f.writes,
        int(f.cpuMs),
        `${mb(f.bytesRead)} / ${mb(f.bytesWritten)}`,
        mb(f.rawBytesRead),
        movementCell(r.movement),
        `${r.rerun.kvOps}, ${r.rerun.writes}`,
        `${r.identical ? "yes" : "**no**"}${r.status === 0 ? "" : ` **(exit ${r.status})**`} |`,
      ].join(" | ");
    }),
  ];
  const compared = runs.filter((r) => r.baseline);
  if (compared.length === 0) return ours.join("\n");
  const cell = (r: ChildResult, cap: number, pick: (m: Measured) => string) =>
    r.first ? pick(r.first) : failed(r, cap);
  const before = [
    "",
    `The same nights with the design before this one (commit ${BASELINE_COMMIT}: one SUMMARY key per series holding its whole history, read and rewritten in full), its heap capped at the Worker's ${BASELINE_HEAP_CAP_MB} MB:`,
    "",
    "| history | installations | before: KV ops | before: SUMMARY read / written MB | before: peak heap MB | now: KV ops | now: SUMMARY read / written MB | now: peak heap MB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...compared.map((r) => {
      const b = r.baseline as ChildResult;
      return `| ${r.years} y | ${r.installations.toLocaleString("en")} | ${cell(b, BASELINE_HEAP_CAP_MB, (m) => String(m.kvOps))} | ${cell(b, BASELINE_HEAP_CAP_MB, (m) => `${mb(m.bytesRead)} / ${mb(m.bytesWritten)}`)} | ${cell(b, BASELINE_HEAP_CAP_MB, (m) => m.peakHeapMB.toFixed(1))} | ${cell(r, HEAP_CAP_MB, (m) => String(m.kvOps))} | ${cell(r, HEAP_CAP_MB, (m) => `${mb(m.bytesRead)} / ${mb(m.bytesWritten)}`)} | ${cell(r, HEAP_CAP_MB, (m) => m.peakHeapMB.toFixed(1))} |`;
    }),
  ];
  return [...ours, ...before].join("\n");
}

/** Every step of every size: name, KV ops, CPU, wall, heap. */
export function nightlySteps(runs: NightlyRun[]): string {
  return runs
    .filter((r) => r.first)
    .map((r) =>
      [
        `${r.years} y × ${r.installations.toLocaleString("en")}${r.missed ? `, ${r.missed} missed nights` : ""}:`,
        "",
        "| step | KV ops | CPU ms | wall ms | peak heap MB (after gc before it) |",
        "|---|---:|---:|---:|---:|",
        ...(r.first?.steps ?? []).map(
          (s) =>
            `| ${s.name} | ${s.kvOps} | ${int(s.cpuMs)} | ${int(s.wallMs)} | ${s.peakHeapMB.toFixed(1)} (${s.baseHeapMB.toFixed(1)}) |`,
        ),
      ].join("\n"),
    )
    .join("\n\n");
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
  const runs = await benchNightly(sizes.length > 0 ? sizes : undefined);
  console.log([nightlyTable(runs), "Every step:", nightlySteps(runs)].join("\n\n"));
}
