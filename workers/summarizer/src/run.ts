/**
 * One summary run for day D: RAW → day summary → merged series → the changed SUMMARY keys.
 *
 * KV plan (arithmetic in docs/architecture.md, "Summarizer"):
 * 1. RAW `list()` pages to the end (+ a value read for the rare entry whose metadata cannot say).
 * 2. SUMMARY `list()`, then every series and the journal with bulk reads of 100 keys.
 * 3. In memory: the pending journal days and D applied to the stored series.
 * 4. Writes only where the serialized value changed: journal, series, `_page`, journal removed.
 *    A rerun therefore writes nothing, and a run whose writes would pass the budget writes the
 *    most looked-at series first and leaves the rest in the journal for the next run.
 */
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import {
  isSeriesKey,
  JOURNAL_KEY,
  PAGE_KEY,
  type Point,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  VERSIONS_XYZ_PREFIX,
} from "@pulp-analytics/shared/keys";
import { BINDING, VAR } from "@pulp-analytics/shared/names";
import { buildPageViews, weeklyKey } from "@pulp-analytics/shared/page-views";
import {
  applyDay,
  type JournalDay,
  parseJournal,
  parseSeries,
  serializeJournal,
  serializeSeries,
  withJournalDay,
} from "@pulp-analytics/shared/series";
import { parseSummaryConfig, summarizeDay } from "@pulp-analytics/shared/summary";
import { isoDay } from "@pulp-analytics/shared/time";
import { countingKV, type OpCounter } from "./kv";
import { scanRaw } from "./raw";

/** Cloudflare allows 1,000 KV operations per invocation; the run plans to stay below this. */
export const KV_OPS_BUDGET = 900;
/** Value reads for entries whose metadata lacks the facts; beyond this they are skipped. */
export const VALUE_READ_BUDGET = 100;
/** Keys per bulk read: Cloudflare's maximum, and one operation. */
const BULK_GET_KEYS = 100;
/** Writes in flight at once: fast, yet a failure stops the run after a few writes. */
const WRITE_BATCH = 20;
/** Journal write, `_page` write, journal removal. */
const BOOKKEEPING_OPS = 3;

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
  /** Series keys written or deleted by this run. */
  seriesWrites: number;
  /** Series changes left in the journal for the next run (budget exhausted). */
  pendingWrites: number;
}

export interface RunOptions {
  /** Stamped into `_page` as `generatedAt`; defaults to the clock. */
  now?: number;
  /** Total KV operations the run may plan for. */
  opsBudget?: number;
}

interface StoredSummary {
  /** Series key → its value exactly as stored (writes are decided by comparing these). */
  texts: Map<string, string>;
  series: Map<string, Point[]>;
  journal: JournalDay[];
  journalListed: boolean;
  pageListed: boolean;
}

interface Change {
  key: string;
  /** null: the series has no point left, delete the key. */
  text: string | null;
  points: Point[];
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

  const scan = await scanRaw(raw, day, VALUE_READ_BUDGET);
  const result = summarizeDay(day, scan.systems, config);
  const stored = await readSummary(summary, await listSummary(summary));
  const days = withJournalDay(stored.journal, { day, points: result.points });
  const writes = await writeDays(summary, stored, days, counter, options);

  return {
    report: {
      day: isoDay(day),
      systems: result.systems,
      persistent: result.persistent,
      skipped: scan.skipped,
      kvOps: counter.ops,
      ms: Date.now() - started,
    },
    ...writes,
  };
}

export interface FinishResult {
  /** The journal's days this run worked on (none: nothing was pending). */
  days: string[];
  kvOps: number;
  seriesWrites: number;
  pendingWrites: number;
  ms: number;
}

/**
 * A finishing run (the cron minutes after the nightly one): only the writes the journal still
 * holds, no new day. When nothing is pending it costs the SUMMARY listing alone.
 */
export async function finishPending(
  env: SummarizerEnv,
  options: RunOptions = {},
): Promise<FinishResult> {
  const started = Date.now();
  const counter: OpCounter = { ops: 0 };
  const summary = countingKV(env[BINDING.SUMMARY], counter);
  const names = await listSummary(summary);
  let writes = { seriesWrites: 0, pendingWrites: 0 };
  let days: string[] = [];
  if (names.includes(JOURNAL_KEY)) {
    const stored = await readSummary(summary, names);
    days = stored.journal.map((d) => isoDay(d.day));
    writes = await writeDays(summary, stored, stored.journal, counter, options);
  }
  return { days, kvOps: counter.ops, ...writes, ms: Date.now() - started };
}

/**
 * Apply `days` to the stored series and write what changed, within the budget: journal first,
 * then the series (most looked-at first), `_page`, and the journal's removal once nothing is left.
 */
async function writeDays(
  summary: KVNamespace,
  stored: StoredSummary,
  days: JournalDay[],
  counter: OpCounter,
  options: RunOptions,
): Promise<{ seriesWrites: number; pendingWrites: number }> {
  let next = stored.series;
  for (const d of days) next = applyDay(next, d.day, d.points);
  const changes = changesBetween(stored, next);

  const room = Math.max(0, (options.opsBudget ?? KV_OPS_BUDGET) - counter.ops - BOOKKEEPING_OPS);
  const writable = changes.slice(0, room);
  const pending = changes.slice(room);

  if (changes.length > 0) await summary.put(JOURNAL_KEY, serializeJournal(days));
  const written = new Map(stored.series);
  for (let i = 0; i < writable.length; i += WRITE_BATCH) {
    await Promise.all(
      writable.slice(i, i + WRITE_BATCH).map(async (change) => {
        if (change.text === null) {
          await summary.delete(change.key);
          written.delete(change.key);
        } else {
          await summary.put(change.key, change.text);
          written.set(change.key, change.points);
        }
      }),
    );
  }
  // Last, and built from what SUMMARY now holds, so the page never shows a point the series
  // API cannot serve. A run that changed nothing leaves it alone (byte-for-byte reruns).
  if (changes.length > 0 || stored.journalListed || !stored.pageListed) {
    // Interim (page-charts branch): the page views of page.ts from the whole history in memory,
    // until the summarizer builds them incrementally.
    const { page, weekly } = buildPageViews(written, options.now ?? Date.now());
    for (const year of weekly) await summary.put(weeklyKey(year.year), JSON.stringify(year));
    await summary.put(PAGE_KEY, JSON.stringify(page));
  }
  if (pending.length === 0 && (changes.length > 0 || stored.journalListed)) {
    await clearJournal(summary);
  }
  return { seriesWrites: writable.length, pendingWrites: pending.length };
}

/** Every key in SUMMARY (series and bookkeeping), following the cursor to the end. */
async function listSummary(summary: KVNamespace): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await summary.list({ cursor });
    for (const key of page.keys) names.push(key.name);
    if (page.list_complete) return names;
    cursor = page.cursor;
  }
}

async function readSummary(summary: KVNamespace, names: string[]): Promise<StoredSummary> {
  const journalListed = names.includes(JOURNAL_KEY);
  const toRead = names.filter(isSeriesKey);
  if (journalListed) toRead.push(JOURNAL_KEY);

  const texts = new Map<string, string>();
  for (let i = 0; i < toRead.length; i += BULK_GET_KEYS) {
    const values = await summary.get(toRead.slice(i, i + BULK_GET_KEYS), "text");
    for (const [key, text] of values) if (text !== null) texts.set(key, text);
  }

  const journalText = texts.get(JOURNAL_KEY);
  texts.delete(JOURNAL_KEY);
  const series = new Map<string, Point[]>();
  // A stored value that is not a series (damaged) starts over from this run's points.
  for (const [key, text] of texts) series.set(key, parseSeries(text) ?? []);
  return {
    texts,
    series,
    journal: (journalText && parseJournal(journalText)) || [],
    journalListed,
    pageListed: names.includes(PAGE_KEY),
  };
}

/** Keys whose stored bytes differ from the new value, the most looked-at series first. */
function changesBetween(stored: StoredSummary, next: Map<string, Point[]>): Change[] {
  const changes: Change[] = [];
  for (const [key, points] of next) {
    const before = stored.texts.get(key);
    if (points.length === 0) {
      if (before !== undefined) changes.push({ key, text: null, points });
      continue;
    }
    const text = serializeSeries(points);
    if (text !== before) changes.push({ key, text, points });
  }
  const rank = (key: string) =>
    key === SYSTEMS_TOTAL || key === SYSTEMS_PERSISTENT
      ? 0
      : key.startsWith(VERSIONS_XYZ_PREFIX)
        ? 2
        : 1;
  return changes.sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1));
}

/**
 * The journal's work is done. Removing it can fail on its own (KV allows one write per second
 * to a key, and it was written moments ago); a leftover journal only makes the next run replay
 * days that are already written, which changes nothing, so this failure is not the run's.
 */
async function clearJournal(summary: KVNamespace): Promise<void> {
  try {
    await summary.delete(JOURNAL_KEY);
  } catch (error) {
    console.warn(JSON.stringify({ event: "summary-journal", error: String(error) }));
  }
}
