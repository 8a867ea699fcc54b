/**
 * Years of summarized history for the page's benchmark, the browser test and the screenshots:
 * the days of Pulp's release calendar (bench/calendar.ts, as the summarizer benchmark and the
 * importer tests use it) written into SUMMARY in memory by the store's own `applyDays`, one call
 * per calendar year (shared/src/memory-kv.ts). Every key it wrote (chunks, `h:<YYYY>`,
 * `k:<YYYY>`, `_page`) seeds a stack (`seedEntries`), so the page, its weekly history and the
 * series API all answer from what the summarizer would have written. Building years of history
 * through ingest would take hours; this takes seconds.
 */

import { DAY_MS } from "@pulp-analytics/shared/config";
import type { DayPoints } from "@pulp-analytics/shared/store";
import { type MemoryKV, memorySummary } from "@pulp-analytics/shared/testing";
import { ReleaseCalendar } from "./calendar";

export interface SeedOptions {
  years: number;
  /** Installations checking in on the latest day. */
  installations: number;
  /** The latest day, 00:00 UTC (default: yesterday, so the data is fresh). */
  lastDay?: number;
  seed?: number;
}

/** Yesterday, 00:00 UTC: the latest day a fresh summary holds (shared/src/health.ts). */
export const yesterday = () => Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;

/**
 * The calendar's days up to `lastDay`, oldest first, made as they are taken (ten years of them
 * at once would hold millions of points). The calendar leaves out about one day in two hundred
 * (a night Django missed); the latest day of a seeded history must be summarized, or the page
 * would be stale, so the first seed from `seed` on whose last day is not such a gap is used.
 */
export function* calendarDays(options: SeedOptions): Generator<DayPoints> {
  const lastDay = options.lastDay ?? yesterday();
  let seed = options.seed ?? 1;
  const make = (s: number) =>
    new ReleaseCalendar({
      years: options.years,
      installations: options.installations,
      lastDay,
      seed: s,
    });
  let calendar = make(seed);
  while (calendar.isGap(lastDay)) calendar = make(++seed);
  for (const day of calendar.days()) {
    const points = calendar.dayPoints(day);
    if (points.size > 0) yield { day, points };
  }
}

/** SUMMARY in memory holding a calendar's history, as the store writes it. */
export function calendarSummary(options: SeedOptions, now = Date.now()): Promise<MemoryKV> {
  return memorySummary(calendarDays(options), now);
}

/** Every key of SUMMARY in memory, for `wrangler kv bulk put` (startStack's `summary`). */
export function seedEntries(kv: MemoryKV): Array<{ key: string; value: string }> {
  return [...kv.data].map(([key, value]) => ({ key, value }));
}
