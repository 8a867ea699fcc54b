/**
 * What each chart of the public page shows, computed from the page data and, for the long
 * ranges, the weekly history (page.ts): pure, so it
 * is tested in Node, and bundled for the browser into workers/site/public/chart-data.js by
 * workers/site/scripts/build-assets.mjs. Import nothing here that pulls in runtime libraries.
 */
import type { RbacMeasure } from "@pulp-analytics/shared/checkin";
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { expectedDay, healthOf } from "@pulp-analytics/shared/opendata";
import {
  type PageData,
  recentSeries,
  unpack,
  unpackBlock,
  type WeeklyHistory,
} from "@pulp-analytics/shared/store";
import {
  AGE_PREFIX,
  POSTGRESQL_PREFIX,
  type Point,
  PROCESS_KINDS,
  PROCESS_MEASURES,
  type ProcessKind,
  type ProcessMeasure,
  processKey,
  RBAC_PREFIX,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  VERSIONS_PREFIX,
  VERSIONS_XYZ_PREFIX,
} from "@pulp-analytics/shared/summary";

/** The series colors of every chart, in order; "Other" is always {@link OTHER_COLOR}. */
export const CHART_COLORS = [
  "#2b6cb0",
  "#dd6b20",
  "#2f855a",
  "#805ad5",
  "#c53030",
  "#0987a0",
  "#b7791f",
  "#d53f8c",
] as const;
export const OTHER_COLOR = "#a0aec0";

/**
 * The inline style attributes frappe-charts writes (bar and dot fills in our colors, and its
 * tooltip's one style): the page's CSP allows exactly these, by hash, and no others.
 */
export const CHART_INLINE_STYLES: readonly string[] = [
  "display: block;",
  ...[...CHART_COLORS, OTHER_COLOR].map((color) => `fill: ${color}`),
];

export const RANGES = { "30d": 30, "90d": 90, "1y": 365, all: null } as const;
export type RangeId = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeId = "90d";
export const isRangeId = (value: string): value is RangeId => Object.hasOwn(RANGES, value);

/** More points than this on one axis are unreadable on a phone: longer ranges go monthly. */
export const MAX_POINTS = 120;

/** How far apart a chart's points are: daily from the page data, weekly or monthly from `h:`. */
export type Resolution = "day" | "week" | "month";

/**
 * What the time-series charts of one range are drawn from: the days on the x axis and the
 * points of every series in that range (a day without a point counts 0, contract §3).
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

export interface Dataset {
  name: string;
  values: number[];
}

export interface ChartModel {
  labels: string[];
  datasets: Dataset[];
  /** The series the chart is drawn from, for its data links. */
  keys: string[];
}

export interface ExactVersion {
  version: string;
  installations: number;
  /** Percent of the component's installations on the latest day, one decimal. */
  share: number;
  key: string;
}

/** The page's recent days unpacked, and each series' value on the latest day, once per page. */
interface PageIndex {
  recent: Map<string, Point[]>;
  latest: Map<string, number>;
}
const indexes = new WeakMap<PageData, PageIndex>();

function indexOf(page: PageData): PageIndex {
  let index = indexes.get(page);
  if (!index) {
    const recent = recentSeries(page);
    const latest = new Map<string, number>();
    for (const [key, points] of recent) {
      const last = points[points.length - 1];
      if (last && last[0] === page.asOf) latest.set(key, last[1]);
    }
    index = { recent, latest };
    indexes.set(page, index);
  }
  return index;
}

const latest = (page: PageData, key: string): number => indexOf(page).latest.get(key) ?? 0;

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
export const MAX_BARS = 30;

/** Every how many points of the range a share chart draws a bar. */
export const barStep = (data: ChartData): number => Math.ceil(data.days.length / MAX_BARS);

/** The range thinned to the share charts' bars: every n-th day, the latest always kept. */
function barData(data: ChartData): ChartData {
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

/** A series' value on each day; a day without a point counts 0 (contract §3). */
function valuesOn(points: readonly Point[] | undefined, days: readonly number[]): number[] {
  const byDay = new Map(points ?? []);
  return days.map((day) => byDay.get(day) ?? 0);
}

const labelsOf = (days: readonly number[]) => days.map(isoDay);

export function installationsChart(data: ChartData): ChartModel {
  return {
    labels: labelsOf(data.days),
    datasets: [
      { name: "All", values: valuesOn(data.series.get(SYSTEMS_TOTAL), data.days) },
      { name: "Persistent", values: valuesOn(data.series.get(SYSTEMS_PERSISTENT), data.days) },
    ],
    keys: [SYSTEMS_TOTAL, SYSTEMS_PERSISTENT],
  };
}

const KIND_LABEL: Record<ProcessKind, string> = {
  online_workers: "Workers",
  online_content_apps: "Content apps",
};
const MEASURE_LABEL: Record<ProcessMeasure, string> = { processes: "processes", hosts: "hosts" };

export function deploymentChart(data: ChartData): ChartModel {
  const keys = PROCESS_KINDS.flatMap((kind) =>
    PROCESS_MEASURES.map((measure) => ({ kind, measure, key: processKey(kind, measure, "mean") })),
  );
  return {
    labels: labelsOf(data.days),
    datasets: keys.map(({ kind, measure, key }) => ({
      name: `${KIND_LABEL[kind]} (${MEASURE_LABEL[measure]})`,
      values: valuesOn(data.series.get(key), data.days),
    })),
    keys: keys.map(({ key }) => key),
  };
}

/** Natural order of version-like strings: `3.9` before `3.10`, `9.6` before `15`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9A-Za-z]+/);
  const pb = b.split(/[^0-9A-Za-z]+/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** `<prefix><name>__<rest>` → [name, rest], or null. */
function splitKey(key: string, prefix: string): [string, string] | null {
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  const cut = rest.indexOf("__");
  return cut > 0 ? [rest.slice(0, cut), rest.slice(cut + 2)] : null;
}

/** Published components, core first, then by installations on the latest day. */
export function components(page: PageData): string[] {
  const totals = new Map<string, number>();
  for (const key of indexOf(page).recent.keys()) {
    const parts = splitKey(key, VERSIONS_PREFIX);
    if (parts) totals.set(parts[0], (totals.get(parts[0]) ?? 0) + latest(page, key));
  }
  return [...totals.keys()].sort(
    (a, b) =>
      Number(b === "core") - Number(a === "core") ||
      (totals.get(b) ?? 0) - (totals.get(a) ?? 0) ||
      (a < b ? -1 : 1),
  );
}

const percent = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;

/**
 * `parts` as percentages of their sum in tenths, rounded so that they add up to exactly 100
 * (largest remainder): stacked, they fill the chart to its top and never past it.
 */
export function shares(parts: readonly number[]): number[] {
  const whole = parts.reduce((a, b) => a + b, 0);
  if (whole <= 0) return parts.map(() => 0);
  const exact = parts.map((part) => (part / whole) * 1000);
  const tenths = exact.map(Math.floor);
  let left = 1000 - tenths.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, i) => ({ i, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    tenths[i] = (tenths[i] as number) + 1;
    left--;
  }
  return tenths.map((t) => t / 10);
}

type Member = { label: string; key: string };

const byVersion = (a: Member, b: Member) => compareVersions(a.label, b.label);

/** The range's reported days, and each member's value on them, for share charts. */
function shareTable(data: ChartData, members: readonly Member[]) {
  const values = members.map((m) => valuesOn(data.series.get(m.key), data.days));
  const totals = data.days.map((_, i) => values.reduce((sum, v) => sum + (v[i] ?? 0), 0));
  // A day on which no member has a point is left out: its shares are unknown (a small plugin
  // that no persistent installation reported that day), and drawn as 0 % the chart would seem
  // to empty.
  const reported = data.days.flatMap((_, i) => ((totals[i] ?? 0) > 0 ? [i] : []));
  const share = (m: number, i: number) => (values[m]?.[i] ?? 0) / (totals[i] as number);
  return { values, reported, share };
}

/** Stacked shares of `groups` (rows of member indexes) on the reported days. */
function stackedModel(
  data: ChartData,
  members: readonly Member[],
  table: ReturnType<typeof shareTable>,
  groups: ReadonlyArray<{ name: string; rows: number[] }>,
  order: (a: Member, b: Member) => number,
): ChartModel {
  const perDay = table.reported.map((i) =>
    shares(groups.map((g) => g.rows.reduce((sum, m) => sum + (table.values[m]?.[i] ?? 0), 0))),
  );
  return {
    labels: labelsOf(table.reported.map((i) => data.days[i] as number)),
    datasets: groups.map((g, j) => ({ name: g.name, values: perDay.map((day) => day[j] ?? 0) })),
    keys: [...members].sort(order).map((m) => m.key),
  };
}

/**
 * Shares in percent over the range's days of a family of series (one per label), for a stacked
 * chart: each day's shares add up to 100. The `top` labels that mattered most in the range,
 * by their highest share on any shown day (then installations on the latest shown day), are
 * named in `order`; the rest add up to "Other", first (at the bottom of the stack).
 */
function shareChart(
  data: ChartData,
  members: readonly Member[],
  top: number,
  order: (a: Member, b: Member) => number,
): ChartModel {
  const table = shareTable(data, members);
  const { reported, share, values } = table;
  const peak = members.map((_, m) => reported.reduce((best, i) => Math.max(best, share(m, i)), 0));
  const last = reported[reported.length - 1];
  const atLast = (m: number) => (last === undefined ? 0 : (values[m]?.[last] ?? 0));
  const ranked = members
    .map((member, m) => ({ member, m }))
    .filter(({ m }) => (peak[m] ?? 0) > 0)
    .sort(
      (a, b) =>
        (peak[b.m] ?? 0) - (peak[a.m] ?? 0) ||
        atLast(b.m) - atLast(a.m) ||
        order(a.member, b.member),
    );
  const shown = ranked.slice(0, top).sort((a, b) => order(a.member, b.member));
  const rest = ranked.slice(top);
  const groups = shown.map(({ member, m }) => ({ name: member.label, rows: [m] }));
  if (rest.length > 0) groups.unshift({ name: "Other", rows: rest.map(({ m }) => m) });
  return stackedModel(data, members, table, groups, order);
}

/**
 * Cuts `weights` (in order) into at most `count` runs of consecutive items, each as close as
 * it can be to an equal part of what is left: a heavy item stands alone, light neighbours are
 * grouped. Returns each run's item indexes.
 */
export function bands(weights: readonly number[], count: number): number[][] {
  const runs: number[][] = [];
  let left = weights.reduce((a, b) => a + b, 0);
  let run: number[] = [];
  let sum = 0;
  weights.forEach((weight, i) => {
    const target = left / Math.max(1, count - runs.length);
    if (run.length > 0 && runs.length < count - 1) {
      if (Math.abs(sum - target) <= Math.abs(sum + weight - target)) {
        runs.push(run);
        left -= sum;
        run = [];
        sum = 0;
      }
    }
    run.push(i);
    sum += weight;
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * A component's x.y versions as stacked shares over the range. Up to {@link TOP_VERSIONS}
 * versions with a share in the range are each shown. With more (a year of core has ~14, ten
 * years ~140), consecutive versions are banded ("3.21–3.28") into {@link TOP_VERSIONS} bands of
 * about equal weight in the range (the sum of their daily shares): the releases that mattered
 * in the range get a band of their own, the long tail of old ones shares one, and every
 * installation stays in a named band (a top-N with the rest as "Other" left 60–95 % of a long
 * range in one gray "Other").
 */
function versionBands(data: ChartData, members: readonly Member[]): ChartModel {
  const sorted = [...members].sort(byVersion);
  const table = shareTable(data, sorted);
  const weight = sorted.map((_, m) =>
    table.reported.reduce((sum, i) => sum + table.share(m, i), 0),
  );
  const present = sorted.flatMap((_, m) => ((weight[m] ?? 0) > 0 ? [m] : []));
  const runs =
    present.length <= TOP_VERSIONS
      ? present.map((m) => [m])
      : bands(
          present.map((m) => weight[m] ?? 0),
          TOP_VERSIONS,
        ).map((run) => run.map((j) => present[j] as number));
  const groups = runs.map((rows) => {
    const first = sorted[rows[0] as number]?.label ?? "";
    const last = sorted[rows[rows.length - 1] as number]?.label ?? "";
    return { name: rows.length === 1 ? first : `${first}–${last}`, rows };
  });
  return stackedModel(data, sorted, table, groups, byVersion);
}

/** How many x.y versions (or bands of them) a component's chart shows: one per palette color. */
export const TOP_VERSIONS = CHART_COLORS.length;

/** Every x.y series of a component: in the range's data, or on the page's recent days. */
function versionMembers(keys: Iterable<string>, component: string): Member[] {
  const members: Member[] = [];
  for (const key of keys) {
    const parts = splitKey(key, VERSIONS_PREFIX);
    if (parts && parts[0] === component) members.push({ label: parts[1], key });
  }
  return members;
}

/** A component's x.y versions as stacked shares over the range (see versionBands). */
export function versionShareChart(data: ChartData, component: string): ChartModel {
  return versionBands(barData(data), versionMembers(data.series.keys(), component));
}

/** The x.y series of a component the page's recent days hold (its data links). */
export function versionKeys(page: PageData, component: string): string[] {
  return versionMembers(indexOf(page).recent.keys(), component)
    .sort(byVersion)
    .map((m) => m.key);
}

/** The x.y of an exact version: its first two dot-separated parts. */
export const xyOf = (version: string): string => version.split(".").slice(0, 2).join(".");

export interface ExactGroup {
  /** The x.y release. */
  xy: string;
  installations: number;
  /** Percent of the component's installations on the latest day, one decimal. */
  share: number;
  /** Its exact versions, newest first. */
  versions: ExactVersion[];
}

/** The exact versions of a component on the latest day, newest first. */
export function exactVersions(page: PageData, component: string): ExactVersion[] {
  const rows = Object.entries(page.latestXyz).flatMap(([key, installations]) => {
    const parts = splitKey(key, VERSIONS_XYZ_PREFIX);
    return parts && parts[0] === component ? [{ version: parts[1], installations, key }] : [];
  });
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  return rows
    .map((row) => ({ ...row, share: percent(row.installations, total) }))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** The exact versions of the latest day grouped by x.y, newest x.y first. */
export function exactVersionGroups(page: PageData, component: string): ExactGroup[] {
  const rows = exactVersions(page, component);
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  const groups = new Map<string, ExactVersion[]>();
  for (const row of rows) {
    const xy = xyOf(row.version);
    groups.set(xy, [...(groups.get(xy) ?? []), row]);
  }
  return [...groups].map(([xy, versions]) => {
    const installations = versions.reduce((sum, row) => sum + row.installations, 0);
    return { xy, installations, share: percent(installations, total), versions };
  });
}

/** Series of one prefix among `keys`, by their bucket or label (the rest of the key). */
function family(keys: Iterable<string>, prefix: string): Member[] {
  const members: Member[] = [];
  for (const key of keys) {
    if (key.startsWith(prefix)) members.push({ label: key.slice(prefix.length), key });
  }
  return members;
}

/** Numeric order of PostgreSQL majors, with "unknown" last. */
const byMajor = (a: { label: string }, b: { label: string }) =>
  Number(a.label === "unknown") - Number(b.label === "unknown") ||
  compareVersions(a.label, b.label);

/**
 * PostgreSQL majors a chart names: one per palette color, so no two share one; the smallest on
 * the latest day beyond that add up to "Other" (in its own gray), as in the versions charts.
 */
export const TOP_MAJORS = CHART_COLORS.length;

/** Shares of the latest day: "Other" first, then majors in numeric order, "unknown" last. */
export function postgresqlLatestChart(page: PageData): ChartModel {
  const majors = family(indexOf(page).recent.keys(), POSTGRESQL_PREFIX).filter(
    (m) => latest(page, m.key) > 0,
  );
  const ranked = [...majors].sort(
    (a, b) => latest(page, b.key) - latest(page, a.key) || byMajor(a, b),
  );
  const shown = ranked.slice(0, TOP_MAJORS).sort(byMajor);
  const rest = ranked.slice(TOP_MAJORS);
  const count = (group: readonly Member[]) => group.reduce((n, m) => n + latest(page, m.key), 0);
  const total = count(majors);
  const slices = shown.map((m) => ({ label: m.label, installations: count([m]) }));
  if (rest.length > 0) slices.unshift({ label: "Other", installations: count(rest) });
  return {
    labels: slices.map((s) => s.label),
    datasets: [{ name: "Share (%)", values: slices.map((s) => percent(s.installations, total)) }],
    keys: majors.sort(byMajor).map((m) => m.key),
  };
}

/** PostgreSQL majors as stacked shares over the range, named as the versions charts do. */
export function postgresqlShareChart(data: ChartData): ChartModel {
  return shareChart(
    barData(data),
    family(data.series.keys(), POSTGRESQL_PREFIX),
    TOP_MAJORS,
    byMajor,
  );
}

/** Order of the power-of-two buckets `0`, `1`, `2`, `3-4`, `5-8`, … by their lower bound. */
export const bucketStart = (bucket: string): number => Number.parseInt(bucket, 10);

/** Installations per bucket of one bucketed family (age, an RBAC measure), on the latest day. */
function bucketChart(page: PageData, prefix: string, name: string): ChartModel {
  const buckets = family(indexOf(page).recent.keys(), prefix).sort(
    (a, b) => bucketStart(a.label) - bucketStart(b.label),
  );
  return {
    labels: buckets.map((b) => b.label),
    datasets: [{ name, values: buckets.map((b) => latest(page, b.key)) }],
    keys: buckets.map((b) => b.key),
  };
}

export function ageChart(page: PageData): ChartModel {
  return bucketChart(page, AGE_PREFIX, "Installations");
}

export const RBAC_LABEL: Record<RbacMeasure, string> = {
  users: "Users",
  groups: "Groups",
  domains: "Domains",
  custom_roles: "Custom roles",
  custom_access_policies: "Customized access policies",
};

/** One chart per RBAC measure: installations by bucket of that count, on the latest day. */
export function rbacCharts(page: PageData): Array<{ measure: RbacMeasure; chart: ChartModel }> {
  return (Object.keys(RBAC_LABEL) as RbacMeasure[]).flatMap((measure) => {
    const chart = bucketChart(page, `${RBAC_PREFIX}${measure}__`, RBAC_LABEL[measure]);
    return chart.keys.length === 0 ? [] : [{ measure, chart }];
  });
}

/**
 * Text made safe for an HTML context. frappe-charts writes labels and dataset names with
 * innerHTML, and component versions come from the internet.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/**
 * The stale notice (contract §4): shown when the page's data is stale by the rule of
 * `GET /api/v1/health` ({@link healthOf}), or null while it is fresh (or empty).
 */
export function staleNotice(
  page: Pick<PageData, "asOf" | "generatedAt">,
  now: number,
): string | null {
  if (page.asOf === null || healthOf(page, now, 0).status !== "stale") return null;
  return `The latest summary is from ${isoDay(page.asOf)}; the data may be out of date.`;
}

/**
 * PostgreSQL majors counted as supported in the headline. A policy, to be updated as the
 * PostgreSQL project releases and retires majors (five years each,
 * https://www.postgresql.org/support/versioning/): these are its supported majors of late 2026
 * (14's last release is due in November 2026). A major newer than the newest listed here counts
 * as supported too: the project supports every major it has released since.
 */
export const SUPPORTED_POSTGRESQL: readonly string[] = ["14", "15", "16", "17", "18"];

/** Whether `major` (a `postgresql__<major>` label) is supported by {@link SUPPORTED_POSTGRESQL}. */
export function isSupportedPostgresql(major: string): boolean {
  if (!/^\d+(\.\d+)?$/.test(major)) return false;
  const newest = SUPPORTED_POSTGRESQL.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return SUPPORTED_POSTGRESQL.includes(major) || compareVersions(major, newest) > 0;
}

/** "PostgreSQL 14 or newer" (or the majors listed, when the policy is not a run of them). */
export function supportedPostgresqlLabel(): string {
  const sorted = [...SUPPORTED_POSTGRESQL].sort(compareVersions);
  const numbers = sorted.map(Number);
  const run = numbers.every((n, i) => i === 0 || n === (numbers[i - 1] as number) + 1);
  return run && sorted.length > 0
    ? `PostgreSQL ${sorted[0]} or newer`
    : `PostgreSQL ${sorted.join(", ")} or newer than ${sorted.at(-1)}`;
}

/** How far back the headline's change looks. */
export const CHANGE_DAYS = 30;

export interface Headline {
  /** The latest summarized day, ISO. */
  day: string;
  /** `systems__total` on that day. */
  installations: number;
  /**
   * The change since {@link CHANGE_DAYS} days before (or the nearest earlier day with a point):
   * null when the page has no earlier day.
   */
  change: { since: string; absolute: number; percent: number | null } | null;
  /** The x.y of core with the most installations on the latest day, and its share of core's. */
  core: { xy: string; installations: number; share: number } | null;
  /** The share on a supported PostgreSQL of the installations that reported a known major. */
  postgresql: { share: number; supported: number; known: number; unknown: number } | null;
}

/** The numbers a visitor looks for first, from the page data alone. */
export function headline(page: PageData): Headline | null {
  if (page.asOf === null) return null;
  const { recent } = indexOf(page);
  const asOf = page.asOf;
  const installations = latest(page, SYSTEMS_TOTAL);
  let change: Headline["change"] = null;
  const target = asOf - CHANGE_DAYS * DAY_MS;
  const before = (recent.get(SYSTEMS_TOTAL) ?? []).filter(([day]) => day <= target).at(-1);
  if (before) {
    const absolute = installations - before[1];
    change = {
      since: isoDay(before[0]),
      absolute,
      percent: before[1] > 0 ? Math.round((absolute / before[1]) * 1000) / 10 : null,
    };
  }
  const core = versionMembers(recent.keys(), "core")
    .map((m) => ({ xy: m.label, installations: latest(page, m.key) }))
    .filter((v) => v.installations > 0);
  const coreTotal = core.reduce((n, v) => n + v.installations, 0);
  const top = core.sort(
    (a, b) => b.installations - a.installations || compareVersions(b.xy, a.xy),
  )[0];
  const majors = family(recent.keys(), POSTGRESQL_PREFIX).map((m) => ({
    major: m.label,
    installations: latest(page, m.key),
  }));
  const unknown = majors
    .filter((m) => m.major === "unknown")
    .reduce((n, m) => n + m.installations, 0);
  const known = majors.filter((m) => m.major !== "unknown");
  const knownTotal = known.reduce((n, m) => n + m.installations, 0);
  const supported = known
    .filter((m) => isSupportedPostgresql(m.major))
    .reduce((n, m) => n + m.installations, 0);
  return {
    day: isoDay(asOf),
    installations,
    change,
    core: top ? { ...top, share: percent(top.installations, coreTotal) } : null,
    postgresql:
      knownTotal > 0
        ? { share: percent(supported, knownTotal), supported, known: knownTotal, unknown }
        : null,
  };
}

/** How many of a component's newest x.y the adoption tables show. */
export const ADOPTION_VERSIONS = 8;

export interface AtLeastRow {
  xy: string;
  /** Installations on this x.y on the latest day. */
  installations: number;
  /** Percent of the component's installations on this x.y or newer, one decimal. */
  atLeast: number;
}

/**
 * "3.45 or newer: 62 %": for a component's newest x.y on the latest day (newest first), the
 * share of its installations on that x.y or a newer one, cumulative from the newest.
 */
export function atLeastShares(
  page: PageData,
  component: string,
  count = ADOPTION_VERSIONS,
): AtLeastRow[] {
  const versions = versionMembers(indexOf(page).recent.keys(), component)
    .map((m) => ({ xy: m.label, installations: latest(page, m.key) }))
    .filter((v) => v.installations > 0)
    .sort((a, b) => compareVersions(b.xy, a.xy));
  const total = versions.reduce((n, v) => n + v.installations, 0);
  let running = 0;
  return versions.slice(0, count).map((v) => {
    running += v.installations;
    return { ...v, atLeast: percent(running, total) };
  });
}

/** The thresholds of the time-to-share table, in percent. */
export const ADOPTION_THRESHOLDS = [25, 50] as const;

export interface TimeToShare {
  xy: string;
  /** The first day the x.y has a point in the span, ISO; null when that is the span's first day. */
  firstSeen: string | null;
  /**
   * Per threshold, the days from `firstSeen` to the first day on which the x.y or newer had at
   * least that share of the component's installations; null when not (yet) reached, or when
   * the x.y was already there on the span's first day (its first appearance is unknown).
   */
  days: Array<number | null>;
}

/**
 * The x.y series of one component over the longest span at hand: the page's recent days, and
 * before them, when `weeks` are given, the weekly points of those years. Only this component's
 * series are unpacked.
 */
export function adoptionSeries(
  page: PageData,
  component: string,
  weeks: readonly WeeklyHistory[] | null,
): Map<string, Point[]> {
  const members = versionMembers(indexOf(page).recent.keys(), component);
  const series = new Map<string, Point[]>();
  const recentStart = page.recent.start;
  const prefix = `${VERSIONS_PREFIX}${component}__`;
  for (const week of [...(weeks ?? [])].sort((a, b) => a.year - b.year)) {
    for (const [key, packed] of Object.entries(week.series)) {
      if (!key.startsWith(prefix) || key.indexOf("__", prefix.length) >= 0) continue;
      const xy = key.slice(prefix.length);
      const older = unpack(packed, week.start).filter(([day]) => day < recentStart);
      if (older.length > 0) series.set(xy, [...(series.get(xy) ?? []), ...older]);
    }
  }
  for (const m of members) {
    const points = indexOf(page).recent.get(m.key) ?? [];
    series.set(m.label, [...(series.get(m.label) ?? []), ...points]);
  }
  return series;
}

/**
 * How long each of `versions` took to reach each of {@link ADOPTION_THRESHOLDS} of a
 * component's installations, counting that x.y and every newer one (a release is adopted when
 * installations have moved to it or past it), in days since its first point in `series`
 * (x.y → points, as {@link adoptionSeries} gives). Days on which the component has no point
 * are skipped.
 */
export function timeToShare(
  series: ReadonlyMap<string, readonly Point[]>,
  versions: readonly string[],
  thresholds: readonly number[] = ADOPTION_THRESHOLDS,
): TimeToShare[] {
  const ordered = [...series.keys()].sort((a, b) => compareVersions(b, a));
  const byDay = new Map<number, Map<string, number>>();
  for (const [xy, points] of series) {
    for (const [day, value] of points) {
      const counts = byDay.get(day) ?? new Map<string, number>();
      byDay.set(day, counts);
      counts.set(xy, value);
    }
  }
  const days = [...byDay.keys()]
    .filter((day) => [...(byDay.get(day)?.values() ?? [])].some((v) => v > 0))
    .sort((a, b) => a - b);
  const spanStart = days[0];
  // Each day's share of each x.y-or-newer, newest first, computed once.
  const atLeast = new Map<number, Map<string, number>>();
  for (const day of days) {
    const counts = byDay.get(day) as Map<string, number>;
    let total = 0;
    for (const value of counts.values()) total += value;
    let running = 0;
    const shares = new Map<string, number>();
    for (const xy of ordered) {
      running += counts.get(xy) ?? 0;
      shares.set(xy, (running / total) * 100);
    }
    atLeast.set(day, shares);
  }
  return versions.map((xy) => {
    const first = (series.get(xy) ?? []).find(([, value]) => value > 0)?.[0];
    if (first === undefined || first === spanStart) {
      return { xy, firstSeen: null, days: thresholds.map(() => null) };
    }
    return {
      xy,
      firstSeen: isoDay(first),
      days: thresholds.map((threshold) => {
        const reached = days.find(
          (day) => day >= first && (atLeast.get(day)?.get(xy) ?? 0) >= threshold,
        );
        return reached === undefined ? null : Math.round((reached - first) / DAY_MS);
      }),
    };
  });
}

export { expectedDay, healthOf, isoDay };
