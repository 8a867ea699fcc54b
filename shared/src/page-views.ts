/**
 * The page's views (page.ts) computed from whole daily series held in memory: a reference for
 * what the summarizer writes to `_page` and `h:<YYYY>`, used by the tests, by the benchmarks'
 * synthetic history and by anything that seeds a stack directly. The summarizer itself builds
 * them incrementally; both must agree with the definitions in page.ts.
 */
import { type Point, SYSTEMS_TOTAL, VERSIONS_XYZ_PREFIX } from "./keys";
import { DAY_MS } from "./names";
import { packBlock } from "./packed";
import { PAGE_VERSION, type PageData, RECENT_DAYS, type WeeklyHistory } from "./page";

/** The SUMMARY key of one year's weekly history. */
export const weeklyKey = (year: number) => `h:${year}`;

const yearOf = (day: number) => new Date(day).getUTCFullYear();
const startOfYear = (year: number) => Date.UTC(year, 0, 1);

export interface PageViews {
  page: PageData;
  weekly: WeeklyHistory[];
}

export function buildPageViews(
  all: ReadonlyMap<string, readonly Point[]>,
  generatedAt: number,
): PageViews {
  let asOf: number | null = null;
  for (const points of all.values()) {
    const last = points[points.length - 1];
    if (last && (asOf === null || last[0] > asOf)) asOf = last[0];
  }
  const keys = [...all.keys()].filter((key) => (all.get(key)?.length ?? 0) > 0).sort();
  const daily = keys.filter((key) => !key.startsWith(VERSIONS_XYZ_PREFIX));
  const start = (asOf ?? 0) - (RECENT_DAYS - 1) * DAY_MS;
  const recent = packBlock(
    daily.map((key) => [key, (all.get(key) ?? []).filter(([day]) => day >= start)]),
    start,
  );
  const latestXyz: Record<string, number> = {};
  for (const key of keys) {
    if (!key.startsWith(VERSIONS_XYZ_PREFIX)) continue;
    const last = all.get(key)?.at(-1);
    if (last && last[0] === asOf) latestXyz[key] = last[1];
  }

  // A week's point is the latest summarized day of the week; weeks are 7 days from 1 January.
  const weekDays = new Map<number, number[]>();
  const weekOf = (day: number) => {
    const year = yearOf(day);
    return year * 100 + Math.floor((day - startOfYear(year)) / (7 * DAY_MS));
  };
  const latestOfWeek = new Map<number, number>();
  for (const [day] of all.get(SYSTEMS_TOTAL) ?? []) latestOfWeek.set(weekOf(day), day);
  for (const day of latestOfWeek.values()) {
    const year = yearOf(day);
    weekDays.set(year, [...(weekDays.get(year) ?? []), day]);
  }
  const years = [...weekDays.keys()].sort((a, b) => a - b);
  const weekly = years.map((year): WeeklyHistory => {
    const days = new Set(weekDays.get(year));
    const block = packBlock(
      daily.map((key) => [key, (all.get(key) ?? []).filter(([day]) => days.has(day))]),
      startOfYear(year),
    );
    return { v: PAGE_VERSION, year, ...block };
  });
  return {
    page: { v: PAGE_VERSION, generatedAt, asOf, recent, latestXyz, years },
    weekly,
  };
}
