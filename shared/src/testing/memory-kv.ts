/**
 * SUMMARY in memory, behind the store's interface (shared/src/store/kv.ts): for the pure store's unit tests,
 * the importer's dry runs and the benchmarks, which measure the store without KV's latency. The
 * workers' own tests use real local KV in workerd.
 */

import { applyDays, type DayPoints } from "../store/apply";
import type { SummaryKV } from "../store/kv";
import { PAGE_KEY, weeklyKey, yearOf } from "../store/layout";
import type { PageData, WeeklyHistory } from "../store/views";
import type { Point } from "../summary/keys";

export interface MemoryKV extends SummaryKV {
  readonly data: Map<string, string>;
  /** Calls by kind, as KV would count them (a bulk read of up to a hundred keys is one). */
  readonly ops: { list: number; get: number; put: number; delete: number };
  /** Bytes of the values read and written. */
  readonly bytes: { read: number; written: number };
}

export function memoryKV(initial?: Iterable<[string, string]>): MemoryKV {
  const data = new Map(initial);
  const ops = { list: 0, get: 0, put: 0, delete: 0 };
  const bytes = { read: 0, written: 0 };
  return {
    data,
    ops,
    bytes,
    async list(prefix = "") {
      const names = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      ops.list += Math.max(1, Math.ceil(names.length / 1000));
      return names;
    },
    async getMany(keys) {
      ops.get += Math.ceil(keys.length / 100);
      const out = new Map<string, string>();
      for (const key of keys) {
        const value = data.get(key);
        if (value === undefined) continue;
        out.set(key, value);
        bytes.read += value.length;
      }
      return out;
    },
    async put(key, value) {
      ops.put++;
      bytes.written += value.length;
      data.set(key, value);
    },
    async delete(key) {
      ops.delete++;
      data.delete(key);
    },
  };
}

/**
 * Whole series (key → points) as the days the store takes: a day for every date any series has
 * a point on, holding every series' point of that date.
 */
export function daysOfSeries(series: Iterable<[string, readonly Point[]]>): DayPoints[] {
  const days = new Map<number, DayPoints>();
  for (const [key, points] of series) {
    for (const [day, value] of points) {
      let entry = days.get(day);
      if (!entry) {
        entry = { day, points: new Map() };
        days.set(day, entry);
      }
      entry.points.set(key, value);
    }
  }
  return [...days.values()].sort((a, b) => a.day - b.day);
}

/**
 * SUMMARY in memory holding `days`, written the one way days enter SUMMARY ({@link applyDays}),
 * one call per calendar year as the importer makes them: every key the store writes (chunks,
 * `h:<YYYY>`, `k:<YYYY>`, `_page`), so anything built on it (tests, the benchmarks' synthetic
 * history, a seeded stack) is what the summarizer would have written. `now` is the page's
 * `generatedAt`.
 */
export async function memorySummary(days: Iterable<DayPoints>, now: number): Promise<MemoryKV> {
  const kv = memoryKV();
  // Days are taken as they come (a generator's year is applied before its next year is made);
  // days out of order only cost more calls.
  let year: number | null = null;
  let batch: DayPoints[] = [];
  let calls = 0;
  const apply = async () => {
    if (batch.length > 0) await applyDays(kv, batch, { now });
    calls += batch.length > 0 ? 1 : 0;
    batch = [];
  };
  for (const d of days) {
    if (yearOf(d.day) !== year) await apply();
    year = yearOf(d.day);
    batch.push(d);
  }
  await apply();
  // No day at all still writes the empty page, as the first run does.
  if (calls === 0) await applyDays(kv, [], { now });
  return kv;
}

/** The page views a SUMMARY in memory holds: `_page` and every `h:<YYYY>`, oldest year first. */
export function pageViewsOf(kv: MemoryKV): { page: PageData; weekly: WeeklyHistory[] } {
  const text = kv.data.get(PAGE_KEY);
  if (text === undefined) throw new Error("no _page: nothing was applied");
  const page = JSON.parse(text) as PageData;
  const weekly = page.years.map((year) => {
    const history = kv.data.get(weeklyKey(year));
    if (history === undefined) throw new Error(`no ${weeklyKey(year)}`);
    return JSON.parse(history) as WeeklyHistory;
  });
  return { page, weekly };
}
