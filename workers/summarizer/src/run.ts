/**
 * One summary run for day D, as steps that each fit one invocation (docs/architecture.md,
 * "Summarizer"): RAW → each day's partial sums → day summaries → SUMMARY through the store. The
 * run also fills every earlier day of RAW's retention window that has recorded check-ins but no
 * summary (a missed night), exactly: RAW records each system's check-in days.
 *
 * {@link runNight} is the run, written once; what carries it decides what a step is. In
 * production it is the Workflow of workflow.ts (each step a Workflows step, the sums kept in the
 * lock's Durable Object); {@link summarize} carries it in one call (tests and benchmarks).
 *
 * The steps:
 * 1. `plan`: which days of the window SUMMARY already has (a list and one bulk read).
 * 2. `scan N`: RAW `list()` pages from where the last slice stopped, until the slice's budget of
 *    pages or time is spent, summed into each day's partial sums (+ a value read for the rare
 *    entry whose metadata cannot say). Sums of slices add up exactly (DayPartial).
 * 3. `apply N`: a few days at a time, each day's sums merged into its summary and written through
 *    the store's `applyDays` (journal, chunks, weekly history, key list, `_page`): writes only
 *    where the stored bytes change, so a rerun writes nothing.
 */
import {
  BINDING,
  DAY_MS,
  isoDay,
  MAX_NEW_SERIES_PER_GROUP,
  RAW_TTL_SECONDS,
  VAR,
} from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import {
  type ApplyResult,
  applyDays,
  JOURNAL_KEY,
  summarizedDays,
  summaryStore,
} from "@pulp-analytics/shared/store";
import {
  checkInDaysOf,
  type DayPartial,
  DaySummarizer,
  type DaySummary,
  parseSummaryConfig,
  type SummaryConfig,
  systemKeys,
} from "@pulp-analytics/shared/summary";
import { countingKV, type OpCounter } from "./op-budget";
import { scanRaw } from "./scan";

/** Days RAW keeps a system's check-ins for (its TTL): how far back a run can summarize. */
export const RETENTION_DAYS = RAW_TTL_SECONDS / (DAY_MS / 1000);

/**
 * What one step may spend. Cloudflare allows 1,000 KV operations and 30 s of CPU per
 * invocation; a scan slice stops at {@link RunBudget.pagesPerSlice} pages (+ at most
 * {@link RunBudget.valueReadsPerSlice} value reads) or {@link RunBudget.msPerSlice} of wall time,
 * which bounds its CPU too, whichever comes first. Tests shrink it to make a run take dozens of
 * steps.
 */
export interface RunBudget {
  /** Keys per RAW list page: KV's maximum. */
  listLimit: number;
  pagesPerSlice: number;
  valueReadsPerSlice: number;
  msPerSlice: number;
  /**
   * Sums a slice may hold (`DaySummarizer.size()` over its days) before it stops at the end of a
   * page: what bounds a slice's memory when RAW holds many distinct versions.
   */
  sumsPerSlice: number;
  /** Days summarized and written per apply step. */
  daysPerApply: number;
}

export const RUN_BUDGET: RunBudget = {
  listLimit: 1000,
  pagesPerSlice: 400,
  valueReadsPerSlice: 100,
  msPerSlice: 20_000,
  // About 20 MB of maps at the ~100 bytes a Map entry of a short key takes in V8.
  sumsPerSlice: 200_000,
  daysPerApply: 8,
};

/** Contract §5. */
export interface RunReport {
  day: string;
  systems: number;
  persistent: number;
  skipped: number;
  kvOps: number;
  ms: number;
  /** Earlier days this run filled (missed nights), oldest first. */
  backfilled: string[];
  /** Steps the run took, each its own invocation. */
  invocations: number;
  /** The busiest step: its KV operations and wall time. */
  largestInvocation: StepCost;
}

interface StepCost {
  kvOps: number;
  ms: number;
}

export interface RunResult {
  report: RunReport;
  /** What the store wrote, over all apply steps; `capped` holds examples only. */
  applied: ApplyResult;
  /** How many new series the cap left out, over all apply steps. */
  cappedCount: number;
}

/**
 * New series left out that a step names in its result: a flood can leave out thousands, and a
 * Workflows step may return at most 1 MiB.
 */
const CAPPED_EXAMPLES = 20;

interface RunPlan {
  day: number;
  /** Stamped into `_page` as `generatedAt` by every apply step. */
  now: number;
  windowStart: number;
  /** Days of the window before D that SUMMARY has already. */
  summarized: number[];
}

/** What carries the run: its steps, and where the scan slices' sums are kept between them. */
export interface RunHost {
  /**
   * Runs `work` as one step named `name` (names are unique within a run and the same on a
   * rerun, so a step that already finished is not run again) with a fresh KV counter.
   */
  step<T>(name: string, work: (counter: OpCounter) => Promise<T>): Promise<T>;
  /** Inside a scan step: keeps slice `slice`'s sums (replacing what a retry kept before). */
  keep(slice: number, partials: DayPartial[]): Promise<void>;
  /**
   * Inside an apply step: hands every slice's sums of `day` to `absorb`, a few slices at a time,
   * so memory follows one day's sums, not the number of slices.
   */
  sums(day: number, absorb: (partial: DayPartial) => void): Promise<void>;
}

/** The summary rule's configuration from the worker's variables. */
export function summaryConfig(env: SummarizerEnv): SummaryConfig {
  return parseSummaryConfig({
    persistentMinAgeDays: env[VAR.PERSISTENT_MIN_AGE_DAYS],
    publishedComponents: env[VAR.PUBLISHED_COMPONENTS],
    establishedMinAgeDays: env[VAR.ESTABLISHED_MIN_AGE_DAYS],
    establishedMinCheckInDays: env[VAR.ESTABLISHED_MIN_CHECK_IN_DAYS],
  });
}

/** The run, step by step: the same steps and the same bytes whoever carries it. */
export async function runNight(
  env: SummarizerEnv,
  host: RunHost,
  day: number,
  options: { now?: number; budget?: RunBudget } = {},
): Promise<RunResult> {
  const budget = options.budget ?? RUN_BUDGET;
  const config = summaryConfig(env);
  const costs: StepCost[] = [];
  const step = async <T>(name: string, work: (counter: OpCounter) => Promise<T>) => {
    const { value, cost } = await host.step(name, async (counter) => {
      const started = Date.now();
      const value = await work(counter);
      return { value, cost: { kvOps: counter.ops, ms: Date.now() - started } };
    });
    costs.push(cost);
    return value;
  };

  const plan = await step("plan", async (counter): Promise<RunPlan> => {
    const store = summaryStore(countingKV(env[BINDING.SUMMARY], counter));
    const windowStart = day - (RETENTION_DAYS - 1) * DAY_MS;
    const summarized = await summarizedDays(store, windowStart, day - DAY_MS);
    return { day, now: options.now ?? Date.now(), windowStart, summarized: [...summarized] };
  });
  const summarized = new Set(plan.summarized);
  // D itself, and every earlier day of the window without a summary that someone checked in on.
  const wanted = (d: number) =>
    d === day || (d >= plan.windowStart && d < day && !summarized.has(d));

  const days = new Set<number>([day]);
  let skipped = 0;
  let cursor: string | undefined;
  for (let slice = 0; ; slice++) {
    const scanned = await step(`scan ${slice}`, async (counter) => {
      const started = Date.now();
      const summarizers = new Map<number, DaySummarizer>();
      const scan = await scanRaw(
        countingKV(env[BINDING.RAW], counter),
        wanted,
        {
          cursor,
          listLimit: budget.listLimit,
          maxValueReads: budget.valueReadsPerSlice,
          enough: (pages) =>
            pages >= budget.pagesPerSlice ||
            Date.now() - started >= budget.msPerSlice ||
            sumsHeld(summarizers) >= budget.sumsPerSlice,
        },
        (system) => {
          // Its keys once, for every day it is counted on.
          const keys = systemKeys(system.facts, config);
          for (const d of checkInDaysOf(system)) {
            if (!wanted(d)) continue;
            const summarizer = summarizers.get(d) ?? new DaySummarizer(d, config);
            summarizers.set(d, summarizer);
            summarizer.add(system, keys);
          }
        },
      );
      const partials = [...summarizers.values()].map((s) => s.partial());
      await host.keep(slice, partials);
      return { skipped: scan.skipped, cursor: scan.cursor, days: partials.map((p) => p.day) };
    });
    skipped += scanned.skipped;
    for (const d of scanned.days) days.add(d);
    if (scanned.cursor === undefined) break;
    cursor = scanned.cursor;
  }

  const ordered = [...days].sort((a, b) => a - b);
  const applied: ApplyResult = {
    daysApplied: [],
    daysKept: [],
    writes: 0,
    deletes: 0,
    replayed: [],
    capped: [],
  };
  let own: Pick<DaySummary, "systems" | "persistent"> = { systems: 0, persistent: 0 };
  let cappedCount = 0;
  for (let i = 0; i * budget.daysPerApply < ordered.length; i++) {
    const batch = ordered.slice(i * budget.daysPerApply, (i + 1) * budget.daysPerApply);
    const done = await step(`apply ${i}`, async (counter) => {
      const summaries: DaySummary[] = [];
      for (const d of batch) {
        const summarizer = new DaySummarizer(d, config);
        await host.sums(d, (partial) => summarizer.absorb(partial));
        summaries.push(summarizer.result());
      }
      const result = await applyDays(
        summaryStore(countingKV(env[BINDING.SUMMARY], counter)),
        summaries.map((s) => ({ day: s.day, points: s.points, established: s.established })),
        { now: plan.now, journal: true, maxNewSeriesPerGroup: MAX_NEW_SERIES_PER_GROUP },
      );
      const mine = summaries.find((s) => s.day === day);
      return {
        result: { ...result, capped: result.capped.slice(0, CAPPED_EXAMPLES) },
        cappedCount: result.capped.length,
        own: mine && { systems: mine.systems, persistent: mine.persistent },
      };
    });
    if (done.own) own = done.own;
    applied.daysApplied.push(...done.result.daysApplied);
    applied.writes += done.result.writes;
    applied.deletes += done.result.deletes;
    applied.replayed.push(...done.result.replayed);
    applied.capped.push(...done.result.capped.slice(0, CAPPED_EXAMPLES - applied.capped.length));
    cappedCount += done.cappedCount;
  }

  const largest = costs.reduce((a, b) => (b.kvOps > a.kvOps ? b : a));
  return {
    report: {
      day: isoDay(day),
      systems: own.systems,
      persistent: own.persistent,
      skipped,
      kvOps: costs.reduce((n, c) => n + c.kvOps, 0),
      ms: costs.reduce((n, c) => n + c.ms, 0),
      backfilled: ordered.filter((d) => d !== day).map(isoDay),
      invocations: costs.length,
      largestInvocation: largest,
    },
    applied,
    cappedCount,
  };
}

function sumsHeld(summarizers: ReadonlyMap<number, DaySummarizer>): number {
  let held = 0;
  for (const summarizer of summarizers.values()) held += summarizer.size();
  return held;
}

export interface RunOptions {
  /** Stamped into `_page` as `generatedAt`; defaults to the clock. */
  now?: number;
  budget?: RunBudget;
}

/**
 * The run carried in one call, the sums held in memory: what tests and benchmarks call to
 * compare with the Workflow, and to inject faults. Takes no lease.
 */
export function summarize(
  env: SummarizerEnv,
  day: number,
  options: RunOptions = {},
): Promise<RunResult> {
  const kept = new Map<number, DayPartial[]>();
  return runNight(
    env,
    {
      step: (_name, work) => work({ ops: 0 }),
      async keep(slice, partials) {
        kept.set(slice, partials);
      },
      async sums(day, absorb) {
        for (const partials of kept.values()) {
          for (const partial of partials) if (partial.day === day) absorb(partial);
        }
      },
    },
    day,
    options,
  );
}

export interface FinishResult {
  /** The journal's days this run wrote (none: nothing was pending). */
  days: string[];
  kvOps: number;
  writes: number;
  ms: number;
}

/**
 * A finishing run (the crons minutes after the nightly one): finishes the writes of a run that
 * failed part way, from its journal, and nothing else. When nothing is pending it costs one
 * `list()`.
 */
export async function finishPending(
  env: SummarizerEnv,
  options: RunOptions = {},
): Promise<FinishResult> {
  const started = Date.now();
  const counter: OpCounter = { ops: 0 };
  const summary = countingKV(env[BINDING.SUMMARY], counter);
  const pending = await summary.list({ prefix: JOURNAL_KEY });
  let days: string[] = [];
  let writes = 0;
  if (pending.keys.some((key) => key.name === JOURNAL_KEY)) {
    const applied = await applyDays(summaryStore(summary), [], {
      now: options.now ?? Date.now(),
      journal: true,
    });
    days = applied.replayed;
    writes = applied.writes + applied.deletes;
  }
  return { days, kvOps: counter.ops, writes, ms: Date.now() - started };
}
