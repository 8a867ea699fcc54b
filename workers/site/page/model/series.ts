/**
 * The page's series as the charts read them: unpacked once per page, found by key prefix, and
 * read on a chart's days.
 */
import { isoDay } from "@pulp-analytics/shared/config";
import { type PageData, recentSeries, unpack } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";

/** The page's recent days unpacked, and each series' value on the latest day, once per page. */
interface PageIndex {
  recent: Map<string, Point[]>;
  latest: Map<string, number>;
}
const indexes = new WeakMap<PageData, PageIndex>();

/** Adds one series to `index`: its points, and its value if it has one on `asOf`. */
function add(index: PageIndex, key: string, points: Point[], asOf: number | null): void {
  index.recent.set(key, points);
  const last = points[points.length - 1];
  if (last && last[0] === asOf) index.latest.set(key, last[1]);
}

/**
 * Unpacks the page's recent days into its index series by series, awaiting `pause` before each
 * (the page yields to the browser there once a slice of work is done: about 1,700 series of 90
 * days are too many for one task on a phone). {@link indexOf} then finds it built.
 */
export async function buildIndex(page: PageData, pause: () => Promise<void>): Promise<void> {
  const index: PageIndex = { recent: new Map(), latest: new Map() };
  for (const [key, packed] of Object.entries(page.recent.series)) {
    await pause();
    add(index, key, unpack(packed, page.recent.start), page.asOf);
  }
  // Should indexOf have built one meanwhile, that one stays: the two are the same.
  if (!indexes.has(page)) indexes.set(page, index);
}

/** The page's index, built at once unless {@link buildIndex} has built it already. */
export function indexOf(page: PageData): PageIndex {
  let index = indexes.get(page);
  if (!index) {
    index = { recent: new Map(), latest: new Map() };
    for (const [key, points] of recentSeries(page)) add(index, key, points, page.asOf);
    indexes.set(page, index);
  }
  return index;
}

/** A series' value on the page's latest day (0 without a point then). */
export const latest = (page: PageData, key: string): number => indexOf(page).latest.get(key) ?? 0;

/** One series of a family: its label (the rest of its key) and its key. */
export type Member = { label: string; key: string };

/** `<prefix><name>__<rest>` → [name, rest], or null. */
export function splitKey(key: string, prefix: string): [string, string] | null {
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  const cut = rest.indexOf("__");
  return cut > 0 ? [rest.slice(0, cut), rest.slice(cut + 2)] : null;
}

/** Series of one prefix among `keys`, by their bucket or label (the rest of the key). */
export function family(keys: Iterable<string>, prefix: string): Member[] {
  const members: Member[] = [];
  for (const key of keys) {
    if (key.startsWith(prefix)) members.push({ label: key.slice(prefix.length), key });
  }
  return members;
}

/** A series' value on each day; a day without a point counts 0 (docs/contract.md#3-summaries-and-series-keys). */
export function valuesOn(points: readonly Point[] | undefined, days: readonly number[]): number[] {
  const byDay = new Map(points ?? []);
  return days.map((day) => byDay.get(day) ?? 0);
}

/** A chart's x-axis labels: its days, ISO. */
export const labelsOf = (days: readonly number[]): string[] => days.map(isoDay);
