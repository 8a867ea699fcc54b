/**
 * The time ranges of the page and what their charts are drawn from: daily points from the page
 * data (30 and 90 days), weekly or monthly ones from the weekly history (1 year, all), the
 * share charts' thinned bars, and the note that says so.
 */
import { DAY_MS } from "@pulp-analytics/shared/config";
import { type PageData, unpackBlock, type WeeklyHistory } from "@pulp-analytics/shared/store";
import { type Point, SYSTEMS_TOTAL } from "@pulp-analytics/shared/summary";
import { indexOf } from "./series";

const RANGES = { "30d": 30, "90d": 90, "1y": 365, all: null } as const;
export type RangeId = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeId = "90d";
export const isRangeId = (value: string): value is RangeId => Object.hasOwn(RANGES, value);

/** More points than this on one axis are unreadable on a phone: longer ranges go monthly. */
const MAX_POINTS = 120;

/** How far apart a chart's points are: daily from the page data, weekly or monthly from `h:`. */
type Resolution = "day" | "week" | "month";

/**
 * What the time-series charts of one range are drawn from: the days on the x axis and the
 * points of every series in that range (a day without a point counts 0, docs/contract.md#3-summaries-and-series-keys).
 */
export interface ChartData {
  /** The latest summarized day (00:00 UTC). */
  asOf: number;
  /** The x axis: 00:00 UTC epochs, oldest first, ending on or before `asOf`. */
  days: number[];
  /** Series key → its points in the range, oldest first. */
  series: Map<string, Point[]>;
  resolution: Resolution;
}

/** Whether a range is drawn from weekly history (fetched when chosen) rather than the page. */
export const isWeeklyRange = (range: RangeId): boolean => range === "1y" || range === "all";

const yearOf = (day: number) => new Date(day).getUTCFullYear();

/** The first day a range shows, or -Infinity for all of it. */
function rangeStart(asOf: number, range: RangeId): number {
  const span = RANGES[range];
  return span === null ? Number.NEGATIVE_INFINITY : asOf - (span - 1) * DAY_MS;
}

/** The calendar years of weekly history a range needs (none for the daily ranges). */
export function yearsFor(page: PageData, range: RangeId): number[] {
  if (page.asOf === null || !isWeeklyRange(range)) return [];
  const first = rangeStart(page.asOf, range);
  return page.years.filter((year) => first === Number.NEGATIVE_INFINITY || year >= yearOf(first));
}

/**
 * A daily range (30 or 90 days) from the page data: every day from the range's first day (or
 * the first day with data, if later) to the latest.
 */
export function dailyChartData(page: PageData, range: RangeId): ChartData | null {
  if (page.asOf === null) return null;
  const { recent } = indexOf(page);
  let first = page.asOf;
  for (const points of recent.values()) {
    const start = points[0]?.[0];
    if (start !== undefined && start < first) first = start;
  }
  first = Math.max(first, rangeStart(page.asOf, range));
  const days: number[] = [];
  for (let day = first; day <= page.asOf; day += DAY_MS) days.push(day);
  const series = new Map<string, Point[]>();
  for (const [key, points] of recent) {
    const shown = points.filter(([day]) => day >= first);
    if (shown.length > 0) series.set(key, shown);
  }
  return { asOf: page.asOf, days, series, resolution: "day" };
}

/**
 * The last day of each calendar month among `days` (ascending), so the latest is always kept;
 * beyond {@link MAX_POINTS} months, every n-th of those counting back from the latest.
 */
export function monthly(days: readonly number[]): number[] {
  const months: number[] = [];
  for (let i = 0; i < days.length; i++) {
    const day = days[i] as number;
    const next = days[i + 1];
    const month = (d: number) => new Date(d).toISOString().slice(0, 7);
    if (next === undefined || month(next) !== month(day)) months.push(day);
  }
  const step = Math.ceil(months.length / MAX_POINTS);
  return months.filter((_, i) => (months.length - 1 - i) % step === 0);
}

/**
 * A long range (1 year or all) from the weekly history of the years it needs
 * ({@link yearsFor}): one point a week, dated the week's latest summarized day; over
 * {@link MAX_POINTS} weeks, one a month (each month's last weekly point). Costs time in
 * proportion to the weekly points of those years, never to the daily history.
 */
export function weeklyChartData(
  page: PageData,
  weeks: readonly WeeklyHistory[],
  range: RangeId,
): ChartData | null {
  if (page.asOf === null) return null;
  const first = rangeStart(page.asOf, range);
  const series = new Map<string, Point[]>();
  const sorted = [...weeks].sort((a, b) => a.year - b.year);
  for (const week of sorted) {
    for (const [key, points] of unpackBlock(week)) {
      const shown = points.filter(([day]) => day >= first && day <= (page.asOf as number));
      if (shown.length === 0) continue;
      const all = series.get(key);
      if (all) all.push(...shown);
      else series.set(key, shown);
    }
  }
  // The weeks are the summarized days (systems__total has a point on each).
  let days = (series.get(SYSTEMS_TOTAL) ?? []).map(([day]) => day);
  let resolution: Resolution = "week";
  if (days.length > MAX_POINTS) {
    days = monthly(days);
    resolution = "month";
  }
  return { asOf: page.asOf, days, series, resolution };
}

/**
 * Stacked share bars a chart draws at most: a bar is a rect per band, and 90 daily bars of nine
 * bands in every component's chart cost the first view more drawing than a narrow chart can
 * show (about 6 px a bar); past this, every n-th bar counting back from the latest.
 */
const MAX_BARS = 30;

/** Every how many points of the range a share chart draws a bar. */
const barStep = (data: ChartData): number => Math.ceil(data.days.length / MAX_BARS);

/** The range thinned to the share charts' bars: every n-th day, the latest always kept. */
export function barData(data: ChartData): ChartData {
  const step = barStep(data);
  if (step <= 1) return data;
  const last = data.days.length - 1;
  return { ...data, days: data.days.filter((_, i) => (last - i) % step === 0) };
}

/** The note a chart range carries when its points are not daily, or its bars are thinned. */
export function resolutionNote(data: ChartData): string {
  const step = barStep(data);
  const unit = { day: "days", week: "weeks", month: "months" }[data.resolution];
  const bars =
    step > 1 ? `share charts: one bar every ${step} ${unit}, the latest always shown; ` : "";
  if (data.resolution === "day") {
    return bars && `Daily points; ${bars}the series API and CSV have every day.`;
  }
  const every = data.resolution === "week" ? "a week" : "a month";
  return `One point ${every} (the latest summarized day of each); ${bars}the series API and CSV have every day.`;
}
