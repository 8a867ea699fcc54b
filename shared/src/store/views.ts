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

import { DAY_MS } from "../config/names";
import { type Point, SYSTEMS_TOTAL } from "../summary/keys";
import { parseChunk, type YearBlock } from "./codec";
import type { SummaryKV } from "./kv";
import {
  chunkKey,
  isViewGroup,
  isXyzGroup,
  parseChunkKey,
  SYSTEMS_GROUP,
  WEEKLY_PREFIX,
  yearOf,
  yearOfKey,
} from "./layout";
import { packBlock, type SeriesBlock, unpackBlock } from "./packed";

/**
 * The format of `_page`. The weekly history is a year value of the store's own format
 * ({@link YearBlock}, versioned by codec.ts's `STORE_VERSION`): the two change independently.
 */
export const PAGE_VERSION = 2;

/** Days of daily history in the page data, ending on the latest summarized day. */
const RECENT_DAYS = 90;

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
export type WeeklyHistory = YearBlock;

/** The page's recent days as plain points per series. */
export function recentSeries(page: PageData): Map<string, Point[]> {
  return unpackBlock(page.recent);
}

/**
 * The page's default view from what SUMMARY holds once the planned writes are done: the latest
 * summarized day, the recent days of every charted series, that day's exact versions, and the
 * years with weekly history. Reads only what this run has not already read: at most the chunks
 * of the year before, when the recent days reach back into it.
 */
export async function buildPage(
  kv: SummaryKV,
  names: Set<string>,
  known: Map<string, string | null>,
  now: number,
): Promise<PageData> {
  const years = [...names]
    .map((name) => yearOfKey(WEEKLY_PREFIX, name))
    .filter((y): y is number => y !== null)
    .sort((a, b) => a - b);
  const read = async (keys: string[]) => {
    const missing = keys.filter((k) => !known.has(k));
    if (missing.length > 0) {
      const texts = await kv.getMany(missing);
      for (const k of missing) known.set(k, texts.get(k) ?? null);
    }
  };

  let asOf: number | null = null;
  for (const year of [...years].reverse()) {
    const key = chunkKey(SYSTEMS_GROUP, year);
    await read([key]);
    const total = parseChunk(known.get(key)).get(SYSTEMS_TOTAL) ?? [];
    const last = total[total.length - 1];
    if (last) {
      asOf = last[0];
      break;
    }
  }
  const page: PageData = {
    v: PAGE_VERSION,
    generatedAt: now,
    asOf,
    recent: { start: asOf ?? 0, series: {} },
    latestXyz: {},
    years,
  };
  if (asOf === null) return page;

  const last: number = asOf;
  const first = last - (RECENT_DAYS - 1) * DAY_MS;
  const recent = new Map<string, Point[]>();
  const chunksOf = (year: number) =>
    [...names].filter((name) => parseChunkKey(name)?.year === year).sort();
  // Oldest year first, so a series in both years continues in order.
  for (const year of [...new Set([yearOf(first), yearOf(last)])]) {
    const keys: string[] = chunksOf(year).filter((name) => {
      const group = (parseChunkKey(name) as { group: string }).group;
      return isViewGroup(group) && (!isXyzGroup(group) || year === yearOf(last));
    });
    await read(keys);
    for (const name of keys) {
      const group = (parseChunkKey(name) as { group: string }).group;
      for (const [key, points] of parseChunk(known.get(name))) {
        if (isXyzGroup(group)) {
          const latest = points[points.length - 1];
          if (latest && latest[0] === last) page.latestXyz[key] = latest[1];
          continue;
        }
        const inWindow = points.filter((p) => p[0] >= first && p[0] <= last);
        if (inWindow.length > 0) recent.set(key, [...(recent.get(key) ?? []), ...inWindow]);
      }
    }
  }
  page.recent = packBlock(
    [...recent].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    first,
  );
  return page;
}
