/**
 * The nightly run in steps (issue 24) at RAW sizes up to 10,000,000 entries: how many steps it
 * takes and what each costs, against the one-pass run before the split. For each size the parent
 * writes SUMMARY (one year of history through the store, ending the day before, or before the
 * missed nights) to a file; a child Node process with its heap capped at the Worker's
 * {@link HEAP_CAP_MB} MB generates RAW as it lists it (bench/generated-raw.ts) and runs
 * `runNight` step by step, measuring each (bench/steps-child.ts); another runs the summarizer of
 * {@link ONE_PASS_COMMIT} as one invocation, stopped at {@link ONE_PASS_CPU_CAP_S} s of CPU.
 * Every installation checked in on the day and on nine in ten of the 59 days before; SUMMARY
 * has those days unless nights were missed, which the run then fills.
 * Alone: `node scripts/run.mjs bench/steps.ts [ENTRIES[xMISSED] …]`, e.g. `10000000 100000x59`.
 * To experiment: `STEPS_HEAP_CAP_MB=64` (does every step fit the budget?), `STEPS_PAGES_PER_SLICE=20`
 * (smaller slices: more of them), `STEPS_NO_ONE_PASS=1` (the steps only).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_BUDGET } from "../workers/summarizer/src/run";
import { childScript, DAY, extractBaseline, history, writeTsv } from "./nightly";
import { BUDGET, type StepCost } from "./step-host";

/** A Worker's memory: does a step (or the one-pass run) fit at all? */
const HEAP_CAP_MB = Number(process.env.STEPS_HEAP_CAP_MB ?? 128);
/** The summarizer before the run was split into steps. */
const ONE_PASS_COMMIT = "8724dc5";
/** Twice the 30 s of CPU an invocation gets: enough to show whether the one pass fits. */
const ONE_PASS_CPU_CAP_S = 60;
const HISTORY_YEARS = 1;
/** Days before the run's day that RAW records check-ins on (its retention window). */
const EARLIER_DAYS = 59;

interface ChildResult {
  steps?: StepCost[];
  report?: { invocations: number; systems: number; backfilled: number; kvOps: number };
  /** The one-pass run reached its CPU cap: `steps` holds what it had done by then. */
  stopped?: boolean;
  status: number | null;
  error?: string;
  /** The child process, from start to exit (generating RAW's page templates included). */
  wallS: number;
}

export interface StepsRun {
  entries: number;
  missed: number;
  steps: ChildResult;
  onePass?: ChildResult;
}

/** [RAW entries, missed nights before the day]. */
type Size = [number, number];

const DEFAULT_SIZES: Size[] = [
  [100_000, 0],
  [1_000_000, 0],
  [10_000_000, 0],
  // Every night of the window missed: the apply steps with the most days and CPU.
  [100_000, EARLIER_DAYS],
];

function runChild(child: string, args: string[]): ChildResult {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_CAP_MB}`, "--expose-gc", child, ...args],
    { encoding: "utf8", maxBuffer: 1 << 24, timeout: 30 * 60_000 },
  );
  const wallS = (performance.now() - started) / 1000;
  try {
    const last = result.stdout.trim().split("\n").at(-1) ?? "";
    return { status: result.status, wallS, ...JSON.parse(last) };
  } catch {
    const lines = result.stderr.trim().split("\n");
    const oom = lines.find((line) => /heap out of memory|Allocation failed/.test(line));
    return {
      status: result.status,
      wallS,
      error: oom ?? (lines.slice(-2).join(" ") || `signal ${result.signal}`),
    };
  }
}

export async function benchSteps(sizes = DEFAULT_SIZES): Promise<StepsRun[]> {
  const dir = join(tmpdir(), `pulp-analytics-steps-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const child = await childScript(dir, "steps-child", undefined, "bench/steps-child.ts");
    const baselineDir = extractBaseline(dir, ONE_PASS_COMMIT);
    const onePass = baselineDir
      ? await childScript(dir, "steps-child-one-pass", baselineDir, "bench/steps-child.ts")
      : null;
    const runs: StepsRun[] = [];
    for (const [entries, missed] of sizes) {
      const summaryFile = join(dir, `summary-${entries}-${missed}.tsv`);
      writeTsv(summaryFile, await history(HISTORY_YEARS, entries, missed));
      const args = [summaryFile, String(entries), String(EARLIER_DAYS), String(DAY)];
      const run: StepsRun = { entries, missed, steps: runChild(child, ["steps", ...args]) };
      if (onePass && !process.env.STEPS_NO_ONE_PASS) {
        run.onePass = runChild(onePass, ["one-pass", ...args, String(ONE_PASS_CPU_CAP_S)]);
      }
      runs.push(run);
      rmSync(summaryFile);
      console.error(
        `steps: ${entries.toLocaleString("en")} entries${missed ? `, ${missed} missed nights` : ""} measured (${run.steps.wallS.toFixed(0)} s in steps, ${run.onePass?.wallS.toFixed(0) ?? "-"} s in one pass)`,
      );
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en");
/** A figure, in bold with a note when it is over its budget. */
const checked = (text: string, over: boolean) => (over ? `**${text} (over)**` : text);

function failure(r: ChildResult): string {
  return r.error && /heap|Allocation failed/.test(r.error)
    ? `**out of memory at ${HEAP_CAP_MB} MB**`
    : `**failed** (exit ${r.status}: ${r.error ?? ""})`;
}

function largest(steps: StepCost[], key: "kvOps" | "cpuMs" | "peakHeapMB"): StepCost {
  return steps.reduce((a, b) => (b[key] > a[key] ? b : a));
}

function onePassCell(r?: ChildResult): string {
  if (!r) return "not measured (no git)";
  const cost = r.steps?.[0];
  if (!cost) return failure(r);
  const figures = `${int(cost.kvOps)} / ${(cost.cpuMs / 1000).toFixed(1)} s / ${cost.peakHeapMB.toFixed(1)} MB`;
  if (r.stopped) return `**stopped at ${ONE_PASS_CPU_CAP_S} s CPU**: ${figures} so far`;
  const over = [
    cost.kvOps > BUDGET.kvOps && "KV ops",
    cost.cpuMs > BUDGET.cpuMs && "CPU",
    cost.peakHeapMB > BUDGET.heapMB && "heap",
  ].filter(Boolean);
  return over.length > 0 ? `${figures} (**over: ${over.join(", ")}**)` : figures;
}

export function stepsTable(runs: StepsRun[]): string {
  const head = [
    `| RAW entries | missed nights filled | steps | largest step KV ops | largest step CPU ms | largest step peak heap MB | total KV ops | total CPU s | wall s | one-pass (${ONE_PASS_COMMIT}): KV ops / CPU / peak heap |`,
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  const rows = runs.map((r) => {
    const size = `| ${int(r.entries)}`;
    const steps = r.steps.steps;
    const report = r.steps.report;
    if (!steps || !report) {
      return `${size} | ${r.missed} | ${failure(r.steps)} |||||||| ${onePassCell(r.onePass)} |`;
    }
    const ops = largest(steps, "kvOps");
    const cpu = largest(steps, "cpuMs");
    const heap = largest(steps, "peakHeapMB");
    const total = (key: "kvOps" | "cpuMs") => steps.reduce((n, s) => n + s[key], 0);
    return [
      size,
      report.backfilled,
      steps.length,
      checked(`${ops.kvOps} (${ops.name})`, ops.kvOps > BUDGET.kvOps - 100),
      checked(`${int(cpu.cpuMs)} (${cpu.name})`, cpu.cpuMs > BUDGET.cpuMs),
      checked(`${heap.peakHeapMB.toFixed(1)} (${heap.name})`, heap.peakHeapMB > BUDGET.heapMB),
      int(total("kvOps")),
      (total("cpuMs") / 1000).toFixed(1),
      r.steps.wallS.toFixed(0),
      `${onePassCell(r.onePass)} |`,
    ].join(" | ");
  });
  return [...head, ...rows].join("\n");
}

/** Every step of every size: name, KV ops, CPU, wall, heap. */
export function stepDetails(runs: StepsRun[]): string {
  return runs
    .filter((r) => r.steps.steps)
    .map((r) =>
      [
        `${int(r.entries)} entries${r.missed ? `, ${r.missed} missed nights` : ""}:`,
        "",
        "| step | KV ops | CPU ms | wall ms | peak heap MB (after gc before it) |",
        "|---|---:|---:|---:|---:|",
        ...(r.steps.steps ?? []).map(
          (s) =>
            `| ${s.name} | ${s.kvOps} | ${int(s.cpuMs)} | ${int(s.wallMs)} | ${s.peakHeapMB.toFixed(1)} (${s.baseHeapMB.toFixed(1)}) |`,
        ),
      ].join("\n"),
    )
    .join("\n\n");
}

/** What the table's figures are, for the report. */
export const STEPS_SETUP = `RUN_BUDGET: ${RUN_BUDGET.pagesPerSlice} list pages of ${RUN_BUDGET.listLimit} (+ ≤ ${RUN_BUDGET.valueReadsPerSlice} value reads) or ${RUN_BUDGET.msPerSlice / 1000} s per scan slice, ${RUN_BUDGET.daysPerApply} days per apply step. Each run is a Node process with \`--max-old-space-size=${HEAP_CAP_MB}\`; RAW is generated as it is listed (\`bench/generated-raw.ts\`: ${64} page templates of 1,000 entries, each page parsed afresh), every installation having checked in on the day and on nine in ten of the ${EARLIER_DAYS} days before; SUMMARY holds ${HISTORY_YEARS} year of history (\`fixtures/src/calendar.ts\`) ending the day before, or before the missed nights. Per step (\`bench/steps-child.ts\`): KV operations, CPU (\`process.cpuUsage()\`), peak heap (sampled at every KV call and at the step's end, after a \`gc()\` before it); the slices' sums kept between steps as JSON strings, as the Durable Object keeps them. Steps are runNight's; the Workflow adds two (lease, release). Budgets per step: ≤ ${BUDGET.kvOps} KV operations (a step throws at 900), ≤ ${BUDGET.cpuMs / 1000} s CPU, ≤ ${BUDGET.heapMB} MB heap; bold: over. The one-pass run (commit ${ONE_PASS_COMMIT}, from git) is one invocation under the same heap cap, stopped at ${ONE_PASS_CPU_CAP_S} s of CPU.`;

if (process.argv[1]?.endsWith("steps.ts")) {
  // `ENTRIES[xMISSED]`, e.g. 10000000 or 100000x59.
  const sizes = process.argv
    .slice(2)
    .map((arg) => arg.split("x").map(Number) as Size)
    .map(([entries = 0, missed = 0]): Size => [entries, missed])
    .filter(([entries]) => entries > 0);
  const runs = await benchSteps(sizes.length > 0 ? sizes : undefined);
  console.log([STEPS_SETUP, stepsTable(runs), stepDetails(runs)].join("\n\n"));
}
