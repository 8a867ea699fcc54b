/**
 * What each chart of the public page shows, computed from the page data (page.ts): pure, so it
 * is tested in Node, and bundled for the browser into workers/site/public/chart-data.js by
 * workers/site/scripts/build-assets.mjs. Import nothing here that pulls in runtime libraries.
 */
import type { RbacMeasure } from "./checkin";
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
} from "./keys";
import { DAY_MS } from "./names";
import { type PageData, recentSeries } from "./page";
import { isoDay } from "./time";

/** What the charts are drawn from: the latest day, each series' points, that day's exact versions. */
export interface ChartPage {
  asOf: number | null;
  series: Record<string, Point[]>;
  latestXyz: Record<string, number>;
}

/** The page data's recent days as the charts read them. */
export function chartPage(page: PageData): ChartPage {
  return {
    asOf: page.asOf,
    series: Object.fromEntries(recentSeries(page)),
    latestXyz: page.latestXyz,
  };
}

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

/** More points than this on one axis are unreadable on a phone: longer ranges go weekly etc. */
export const MAX_POINTS = 120;

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

/**
 * The days a time-series chart shows: 00:00 UTC epochs, oldest first, ending on the latest
 * summarized day. A range longer than {@link MAX_POINTS} days is sampled every n-th day,
 * counting back from the latest, so the latest day is always shown.
 */
export function chartDays(page: ChartPage, range: RangeId): number[] {
  if (page.asOf === null) return [];
  let first = page.asOf;
  for (const points of Object.values(page.series)) {
    const start = points[0]?.[0];
    if (start !== undefined && start < first) first = start;
  }
  const span = RANGES[range];
  if (span !== null) first = Math.max(first, page.asOf - (span - 1) * DAY_MS);
  const count = Math.round((page.asOf - first) / DAY_MS) + 1;
  const step = Math.ceil(count / MAX_POINTS);
  const days: number[] = [];
  for (let day = page.asOf; day >= first; day -= step * DAY_MS) days.push(day);
  return days.reverse();
}

/** A series' value on each day; a day without a point counts 0 (contract §3). */
function valuesOn(points: readonly Point[] | undefined, days: readonly number[]): number[] {
  const byDay = new Map(points ?? []);
  return days.map((day) => byDay.get(day) ?? 0);
}

const latest = (page: ChartPage, key: string): number =>
  page.asOf === null ? 0 : (new Map(page.series[key] ?? []).get(page.asOf) ?? 0);

const labelsOf = (days: readonly number[]) => days.map(isoDay);

export function installationsChart(page: ChartPage, days: readonly number[]): ChartModel {
  return {
    labels: labelsOf(days),
    datasets: [
      { name: "All", values: valuesOn(page.series[SYSTEMS_TOTAL], days) },
      { name: "Persistent", values: valuesOn(page.series[SYSTEMS_PERSISTENT], days) },
    ],
    keys: [SYSTEMS_TOTAL, SYSTEMS_PERSISTENT],
  };
}

const KIND_LABEL: Record<ProcessKind, string> = {
  online_workers: "Workers",
  online_content_apps: "Content apps",
};
const MEASURE_LABEL: Record<ProcessMeasure, string> = { processes: "processes", hosts: "hosts" };

export function deploymentChart(page: ChartPage, days: readonly number[]): ChartModel {
  const keys = PROCESS_KINDS.flatMap((kind) =>
    PROCESS_MEASURES.map((measure) => ({ kind, measure, key: processKey(kind, measure, "mean") })),
  );
  return {
    labels: labelsOf(days),
    datasets: keys.map(({ kind, measure, key }) => ({
      name: `${KIND_LABEL[kind]} (${MEASURE_LABEL[measure]})`,
      values: valuesOn(page.series[key], days),
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
export function components(page: ChartPage): string[] {
  const totals = new Map<string, number>();
  for (const key of Object.keys(page.series)) {
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

type Member = { label: string; key: string };

/**
 * The `top` members with the most installations on the latest day (ties in `order`), in
 * `order`, and the rest, which charts add up as "Other".
 */
function topByLatest(
  page: ChartPage,
  members: readonly Member[],
  top: number,
  order: (a: Member, b: Member) => number,
): { shown: Member[]; rest: Member[] } {
  const ranked = [...members].sort(
    (a, b) => latest(page, b.key) - latest(page, a.key) || order(a, b),
  );
  return { shown: ranked.slice(0, top).sort(order), rest: ranked.slice(top) };
}

const byVersion = (a: Member, b: Member) => compareVersions(a.label, b.label);

/**
 * Shares in percent over time of a family of series (one per label). The `top` labels with the
 * most installations on the latest day are shown in `order`; the rest add up to "Other", first.
 * A day on which no member has a point is left out: its shares are unknown, and frappe-charts
 * cannot draw a gap, so drawn as 0 % every version would seem to vanish for that day (a small
 * plugin that no persistent installation reported that day).
 */
function shareChart(
  page: ChartPage,
  days: readonly number[],
  members: readonly Member[],
  top: number,
  order: (a: Member, b: Member) => number = byVersion,
): ChartModel {
  const { shown, rest } = topByLatest(page, members, top, order);
  const values = new Map(members.map((m) => [m.key, valuesOn(page.series[m.key], days)]));
  const sum = (keys: readonly string[], i: number) =>
    keys.reduce((total, key) => total + (values.get(key)?.[i] ?? 0), 0);
  const allKeys = members.map((m) => m.key);
  const reported = days.flatMap((_, i) => (sum(allKeys, i) > 0 ? [i] : []));
  const share = (keys: string[]) => reported.map((i) => percent(sum(keys, i), sum(allKeys, i)));
  const datasets = shown.map((m) => ({ name: m.label, values: share([m.key]) }));
  if (rest.length > 0) datasets.unshift({ name: "Other", values: share(rest.map((m) => m.key)) });
  return {
    labels: labelsOf(reported.map((i) => days[i] as number)),
    datasets,
    keys: [...members].sort(order).map((m) => m.key),
  };
}

/** How many x.y versions a component's chart names before grouping the rest as "Other". */
export const TOP_VERSIONS = 6;

export function versionShareChart(
  page: ChartPage,
  component: string,
  days: readonly number[],
): ChartModel {
  const members = Object.keys(page.series).flatMap((key) => {
    const parts = splitKey(key, VERSIONS_PREFIX);
    return parts && parts[0] === component ? [{ label: parts[1], key }] : [];
  });
  return shareChart(page, days, members, TOP_VERSIONS);
}

/** The exact versions of a component on the latest day, newest first. */
export function exactVersions(page: ChartPage, component: string): ExactVersion[] {
  const rows = Object.entries(page.latestXyz).flatMap(([key, installations]) => {
    const parts = splitKey(key, VERSIONS_XYZ_PREFIX);
    return parts && parts[0] === component ? [{ version: parts[1], installations, key }] : [];
  });
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  return rows
    .map((row) => ({ ...row, share: percent(row.installations, total) }))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** Series of one prefix, by their bucket or label (the rest of the key). */
function family(page: ChartPage, prefix: string): Array<{ label: string; key: string }> {
  return Object.keys(page.series)
    .filter((key) => key.startsWith(prefix))
    .map((key) => ({ label: key.slice(prefix.length), key }));
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
export function postgresqlLatestChart(page: ChartPage): ChartModel {
  const majors = family(page, POSTGRESQL_PREFIX).filter((m) => latest(page, m.key) > 0);
  const { shown, rest } = topByLatest(page, majors, TOP_MAJORS, byMajor);
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

export function postgresqlShareChart(page: ChartPage, days: readonly number[]): ChartModel {
  return shareChart(page, days, family(page, POSTGRESQL_PREFIX), TOP_MAJORS, byMajor);
}

/** Order of the power-of-two buckets `0`, `1`, `2`, `3-4`, `5-8`, … by their lower bound. */
export const bucketStart = (bucket: string): number => Number.parseInt(bucket, 10);

/** Installations per bucket of one bucketed family (age, an RBAC measure), on the latest day. */
function bucketChart(page: ChartPage, prefix: string, name: string): ChartModel {
  const buckets = family(page, prefix).sort((a, b) => bucketStart(a.label) - bucketStart(b.label));
  return {
    labels: buckets.map((b) => b.label),
    datasets: [{ name, values: buckets.map((b) => latest(page, b.key)) }],
    keys: buckets.map((b) => b.key),
  };
}

export function ageChart(page: ChartPage): ChartModel {
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
export function rbacCharts(page: ChartPage): Array<{ measure: RbacMeasure; chart: ChartModel }> {
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

export { isoDay };
