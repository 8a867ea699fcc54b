/**
 * One nightly run measured step by step, in its own Node process started by bench/steps.ts with
 * the heap capped. SUMMARY comes from the parent's file (`key<TAB>value` lines), RAW is generated
 * as it is listed (bench/generated-raw.ts).
 *
 * `steps`: `runNight` carried as the Workflow carries it, each step measured (bench/step-host.ts).
 * `one-pass`: `summarize` as one invocation. The parent bundles this file with an earlier commit's
 * summarizer for it (bench/nightly.ts `childScript`), whose run.ts has no `runNight`: hence the
 * namespace import. It stops at a CPU cap, reporting what it had done by then.
 * Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { DAY_MS } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import * as run from "../workers/summarizer/src/run";
import { generatedRaw } from "./generated-raw";
import { lines, newTraffic, summaryNamespace } from "./kv-namespace";
import { cpuMs, measured, measuredHost, type StepCost } from "./step-host";

const [mode, summaryFile, entriesArg, earlierArg, dayArg, capArg] = process.argv.slice(2);
const day = Number(dayArg);
const pagesPerSlice = process.env.STEPS_PAGES_PER_SLICE;
const MB = 2 ** 20;

const summary = new Map<string, Buffer>();
for (const line of lines(readFileSync(summaryFile as string))) {
  const tab = line.indexOf(9);
  summary.set(line.subarray(0, tab).toString(), Buffer.from(line.subarray(tab + 1)));
}
const traffic = newTraffic();
const env = {
  // The baseline before movement reads metadata version 1 only.
  RAW: generatedRaw(Number(entriesArg), day, Number(earlierArg), traffic, mode === "steps" ? 2 : 1),
  SUMMARY: summaryNamespace(summary, traffic),
  ENVIRONMENT: "production",
  PERSISTENT_MIN_AGE_DAYS: "1",
} as SummarizerEnv;
if (mode === "steps") {
  const steps: StepCost[] = [];
  const result = await run.runNight(env, measuredHost(traffic, steps), day, {
    now: day + DAY_MS,
    // A smaller slice than production's, to see what many slices cost (STEPS_PAGES_PER_SLICE).
    budget: {
      ...run.RUN_BUDGET,
      pagesPerSlice: Number(pagesPerSlice) || run.RUN_BUDGET.pagesPerSlice,
    },
  });
  const { invocations, systems, backfilled, kvOps } = result.report;
  console.log(
    JSON.stringify({
      steps,
      report: { invocations, systems, backfilled: backfilled.length, kvOps },
    }),
  );
} else {
  // The one-pass run gives up at the cap: its figures so far, and that it did not finish.
  const capMs = Number(capArg) * 1000;
  const cpu = process.cpuUsage();
  const started = performance.now();
  traffic.onCall = () => {
    if (cpuMs(cpu) < capMs) return;
    const stopped: StepCost = {
      name: "one pass (stopped)",
      kvOps: traffic.ops,
      cpuMs: cpuMs(cpu),
      wallMs: performance.now() - started,
      baseHeapMB: 0,
      peakHeapMB: traffic.peakHeap / MB,
    };
    console.log(JSON.stringify({ steps: [stopped], stopped: true }));
    process.exit(0);
  };
  const [result, cost] = await measured(traffic, "one pass", () =>
    run.summarize(env, day, { now: day + DAY_MS }),
  );
  console.log(
    JSON.stringify({
      steps: [cost],
      report: {
        invocations: 1,
        systems: result.report.systems,
        backfilled: result.report.backfilled.length,
        kvOps: result.report.kvOps,
      },
    }),
  );
}
