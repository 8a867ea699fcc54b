/**
 * The page data: everything the site needs for `GET /` and `GET /api/v1/series` in one SUMMARY
 * key ({@link PAGE_KEY}), written by the summarizer at the end of every run, so that rendering
 * the page costs one KV read.
 *
 * It holds the full history of every series except the exact-version ones (`versions_xyz__*`,
 * the most numerous), for which it holds only the latest summarized day's values; their history
 * stays one API call away.
 */
import { type Point, VERSIONS_XYZ_PREFIX } from "./keys";

export const PAGE_VERSION = 1;

export interface PageData {
  v: typeof PAGE_VERSION;
  /** When the summarizer wrote this, epoch ms. */
  generatedAt: number;
  /** 00:00 UTC of the latest summarized day, or null before the first summary. */
  asOf: number | null;
  /** Every published series key, sorted. */
  keys: string[];
  /** Full history of every series but `versions_xyz__*`. */
  series: Record<string, Point[]>;
  /** `versions_xyz__*` values on the day `asOf` (only those with a point that day). */
  latestXyz: Record<string, number>;
}

export function buildPageData(all: ReadonlyMap<string, Point[]>, generatedAt: number): PageData {
  const keys = [...all.keys()].filter((k) => (all.get(k)?.length ?? 0) > 0).sort();
  let asOf: number | null = null;
  for (const key of keys) {
    const points = all.get(key) ?? [];
    const last = points[points.length - 1];
    if (last && (asOf === null || last[0] > asOf)) asOf = last[0];
  }
  const series: Record<string, Point[]> = {};
  const latestXyz: Record<string, number> = {};
  for (const key of keys) {
    const points = all.get(key) ?? [];
    if (!key.startsWith(VERSIONS_XYZ_PREFIX)) {
      series[key] = points;
      continue;
    }
    const last = points[points.length - 1];
    if (last && last[0] === asOf) latestXyz[key] = last[1];
  }
  return { v: PAGE_VERSION, generatedAt, asOf, keys, series, latestXyz };
}
