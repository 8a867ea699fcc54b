/**
 * One summary run for day D: RAW → day summaries → SUMMARY through the store (shared/src/store.ts).
 * The run also fills every earlier day of RAW's retention window that has recorded check-ins but
 * no summary (a missed night), exactly: RAW records each system's check-in days.
 *
 * KV plan (arithmetic in docs/architecture.md, "Summarizer"):
 * 0. Which days of the window SUMMARY already has: a list and one bulk read.
 * 1. RAW `list()` pages to the end, aggregated page by page into each day's running summary (+ a
 *    value read for the rare entry whose metadata cannot say).
 * 2. SUMMARY `list()`, one bulk read of D's year (one chunk per group), the journal if one is
 *    left, and in January to March the year before for the page's recent days.
 * 3. Writes only where the stored bytes change: journal, chunks, weekly history, key list,
 *    `_page`, journal removed. A rerun therefore writes nothing.
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
  DaySummarizer,
  type DaySummary,
  parseSummaryConfig,
  systemKeys,
} from "@pulp-analytics/shared/summary";
import { countingKV, type OpCounter } from "./kv";
import { scanRaw } from "./raw";

/** Value reads for entries whose metadata lacks the facts; beyond this they are skipped. */
const VALUE_READ_BUDGET = 100;

/** Days RAW keeps a system's check-ins for (its TTL): how far back a run can summarize. */
export const RETENTION_DAYS = RAW_TTL_SECONDS / (DAY_MS / 1000);

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
}

export interface RunResult {
  report: RunReport;
  /** What the store wrote: keys put and deleted, days replayed from a failed run's journal. */
  applied: ApplyResult;
}

export interface RunOptions {
  /** Stamped into `_page` as `generatedAt`; defaults to the clock. */
  now?: number;
}

export async function summarize(
  env: SummarizerEnv,
  day: number,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = Date.now();
  const counter: OpCounter = { ops: 0 };
  const raw = countingKV(env[BINDING.RAW], counter);
  const summary = countingKV(env[BINDING.SUMMARY], counter);
  const config = parseSummaryConfig({
    persistentMinAgeDays: env[VAR.PERSISTENT_MIN_AGE_DAYS],
    publishedComponents: env[VAR.PUBLISHED_COMPONENTS],
  });

  const store = summaryStore(summary);
  const windowStart = day - (RETENTION_DAYS - 1) * DAY_MS;
  const summarized = await summarizedDays(store, windowStart, day - DAY_MS);
  // D itself, and every earlier day of the window without a summary that someone checked in on.
  const wanted = (d: number) => d === day || (d >= windowStart && d < day && !summarized.has(d));
  const summarizers = new Map<number, DaySummarizer>([[day, new DaySummarizer(day, config)]]);
  const scan = await scanRaw(raw, wanted, VALUE_READ_BUDGET, (system) => {
    // Its keys once, for every day it is counted on.
    const keys = systemKeys(system.facts, config);
    for (const d of checkInDaysOf(system)) {
      if (!wanted(d)) continue;
      // Joint series for D only: a missed night filled gets the single-fact series.
      const summarizer = summarizers.get(d) ?? new DaySummarizer(d, config, d === day);
      summarizers.set(d, summarizer);
      summarizer.add(system, keys);
    }
  });
  const results = [...summarizers.values()].map((s) => s.result()).sort((a, b) => a.day - b.day);
  const applied = await applyDays(
    store,
    results.map((r) => ({ day: r.day, points: r.points })),
    {
      now: options.now ?? Date.now(),
      journal: true,
      maxNewSeriesPerGroup: MAX_NEW_SERIES_PER_GROUP,
    },
  );
  const result = results.find((r) => r.day === day) as DaySummary;

  return {
    report: {
      day: isoDay(day),
      systems: result.systems,
      persistent: result.persistent,
      skipped: scan.skipped,
      kvOps: counter.ops,
      ms: Date.now() - started,
      backfilled: results.filter((r) => r.day !== day).map((r) => isoDay(r.day)),
    },
    applied,
  };
}

export interface FinishResult {
  /** The journal's days this run wrote (none: nothing was pending). */
  days: string[];
  kvOps: number;
  writes: number;
  ms: number;
}

/**
 * A finishing run (the cron minutes after the nightly one): finishes the writes of a run that
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
