/**
 * One summary run for day D: RAW → day summary → SUMMARY through the store (shared/src/store.ts).
 *
 * KV plan (arithmetic in docs/architecture.md, "Summarizer"):
 * 1. RAW `list()` pages to the end, aggregated page by page (+ a value read for the rare entry
 *    whose metadata cannot say).
 * 2. SUMMARY `list()`, one bulk read of D's year (one chunk per group), the journal if one is
 *    left, and in January to March the year before for the page's recent days.
 * 3. Writes only where the stored bytes change: journal, chunks, weekly history, key list,
 *    `_page`, journal removed. A rerun therefore writes nothing.
 */
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { JOURNAL_KEY } from "@pulp-analytics/shared/keys";
import { BINDING, VAR } from "@pulp-analytics/shared/names";
import { type ApplyResult, applyDays, summaryStore } from "@pulp-analytics/shared/store";
import { DaySummarizer, parseSummaryConfig } from "@pulp-analytics/shared/summary";
import { isoDay } from "@pulp-analytics/shared/time";
import { countingKV, type OpCounter } from "./kv";
import { scanRaw } from "./raw";

/** Value reads for entries whose metadata lacks the facts; beyond this they are skipped. */
export const VALUE_READ_BUDGET = 100;

/** Contract §5. */
export interface RunReport {
  day: string;
  systems: number;
  persistent: number;
  skipped: number;
  kvOps: number;
  ms: number;
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

  const summarizer = new DaySummarizer(day, config);
  const scan = await scanRaw(raw, day, VALUE_READ_BUDGET, (system) => summarizer.add(system));
  const result = summarizer.result();
  const applied = await applyDays(summaryStore(summary), [{ day, points: result.points }], {
    now: options.now ?? Date.now(),
    journal: true,
  });

  return {
    report: {
      day: isoDay(day),
      systems: result.systems,
      persistent: result.persistent,
      skipped: scan.skipped,
      kvOps: counter.ops,
      ms: Date.now() - started,
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
