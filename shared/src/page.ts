/**
 * What the page reads, written by the summarizer so that drawing the page costs one KV read
 * whatever the length of the history:
 *
 * - {@link PageData} (`_page`, `GET /api/v1/page`): the default view. Every published series but
 *   the exact versions, daily, over the last {@link RECENT_DAYS} days, plus the exact versions
 *   of the latest day. Its size depends on how many series are alive, not on the years behind.
 * - {@link WeeklyHistory} (`h:<YYYY>`, `GET /api/v1/page/weekly/<YYYY>`): one calendar year of
 *   the same series thinned to one point a week, fetched only when a longer range is chosen.
 *
 * The series API keeps every day of every series; only these views are thinned.
 */

import type { Point } from "./keys";
import { type SeriesBlock, unpackBlock } from "./packed";

export const PAGE_VERSION = 2;

/** Days of daily history in the page data, ending on the latest summarized day. */
export const RECENT_DAYS = 90;

export interface PageData {
  v: typeof PAGE_VERSION;
  /** When the summarizer wrote this, epoch ms. */
  generatedAt: number;
  /** 00:00 UTC of the latest summarized day, or null before the first summary. */
  asOf: number | null;
  /**
   * Every published series but `versions_xyz__*` with a point in the last {@link RECENT_DAYS}
   * days up to `asOf`, those days only, packed (packed.ts).
   */
  recent: SeriesBlock;
  /** `versions_xyz__*` values on the day `asOf` (only those with a point that day). */
  latestXyz: Record<string, number>;
  /** Calendar years that have weekly history (`/api/v1/page/weekly/<year>`), ascending. */
  years: number[];
}

/**
 * One calendar year of every published series but `versions_xyz__*`, one point a week: each
 * year is cut into weeks of seven days from 1 January (the last one shorter), and a week's point
 * is each series' value on the latest summarized day of that week (a real day's value, dated
 * that day). A summarized day is one with a `systems__total` point.
 */
export interface WeeklyHistory extends SeriesBlock {
  v: typeof PAGE_VERSION;
  year: number;
}

/** The page's recent days as plain points per series. */
export function recentSeries(page: PageData): Map<string, Point[]> {
  return unpackBlock(page.recent);
}
