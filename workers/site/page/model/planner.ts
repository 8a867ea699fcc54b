/**
 * "Plan a support change": a rule a maintainer states ("core ≥ 3.80 requires PostgreSQL ≥ 14",
 * "rpm ≥ 3.30 requires core ≥ 3.75", "drop PostgreSQL below 13") and how many installations it
 * affects, of how many, from the joint series (docs/contract.md#joint-series). Where the
 * small-cell rule has moved cells into a row's `other`, the count is an exact lower and upper
 * bound: the lower counts only published cells that break the rule, the upper adds every
 * remainder of the rows the rule is about (any of it may break the rule).
 */
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { type SeriesBlock, unpackBlock } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import type { ChartModel } from "./charts";
import { atLeast, type Denominator, denominator } from "./denominators";
import type { RangeId } from "./ranges";
import { count as counted } from "./text";
import { compareVersions } from "./versions";

/** pulpcore: on every installation. */
const CORE = "core";

/** `subject` at `from` or newer requires `requires` at `min` or newer. `from` null: any x.y. */
export interface Plan {
  /** `core` or a published plugin. */
  subject: string;
  from: string | null;
  requires: "postgresql" | "core";
  min: string;
}

const XY = /^\d{1,6}(\.\d{1,6})?$/;
const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * A plan from its URL form `<subject>:<from or any>:<requires>:<min>` (`core:3.80:postgresql:14`,
 * `rpm:3.30:core:3.75`, `core:any:postgresql:13`), or null when it is not a valid one.
 */
export function parsePlan(text: string | null): Plan | null {
  if (!text) return null;
  const [subject, from, requires, min, ...rest] = text.split(":");
  if (rest.length > 0 || !subject || !from || !min || !NAME.test(subject)) return null;
  if (requires !== "postgresql" && requires !== "core") return null;
  if ((from !== "any" && !XY.test(from)) || !XY.test(min)) return null;
  // PostgreSQL is a requirement of core; a plugin's requirement is a core.
  if ((requires === "postgresql") !== (subject === "core")) return null;
  return { subject, from: from === "any" ? null : from, requires, min };
}

export const formatPlan = (plan: Plan): string =>
  `${plan.subject}:${plan.from ?? "any"}:${plan.requires}:${plan.min}`;

/** The rule in words: "core 3.80 or newer requires PostgreSQL 14 or newer". */
export function planText(plan: Plan): string {
  const subject =
    plan.from === null ? `every ${plan.subject}` : `${plan.subject} ${plan.from} or newer`;
  const requires = plan.requires === "postgresql" ? "PostgreSQL" : "core";
  return `${subject} requires ${requires} ${plan.min} or newer`;
}

/** The joint group a plan reads: `core_postgresql`, or the plugin's `plugin_core__<plugin>`. */
export const planGroup = (plan: Plan): string =>
  plan.requires === "postgresql" ? "core_postgresql" : `plugin_core__${plan.subject}`;

/** The installations a plan affects on one day, as exact bounds, and of how many. */
export interface PlanCount {
  day: number;
  /** Published cells that break the rule. */
  lower: number;
  /** `lower` and the remainders of the rows the rule is about. */
  upper: number;
  /** The rows the rule is about: installations of `subject` at `from` or newer. */
  of: Denominator;
  /** Of those, installations whose requirement is not known (PostgreSQL not reported). */
  unknown: number;
}

const OTHER = "other";
const UNKNOWN = "unknown";

type Rows = Map<string, Map<string, number>>;
/** Per series map and group: day → that day's rows (row x.y → column → installations). */
const indexes = new WeakMap<ReadonlyMap<string, Point[]>, Map<string, Map<number, Rows>>>();

/** One day's rows of a joint table, indexed once per series map and group. */
function rowsOn(group: string, series: ReadonlyMap<string, Point[]>, day: number): Rows {
  let groups = indexes.get(series);
  if (!groups) {
    groups = new Map();
    indexes.set(series, groups);
  }
  let byDay = groups.get(group);
  if (!byDay) {
    byDay = new Map();
    groups.set(group, byDay);
    const prefix = `${group}__`;
    for (const [key, points] of series) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const cut = rest.lastIndexOf("__");
      if (cut <= 0) continue;
      const row = rest.slice(0, cut);
      const column = rest.slice(cut + 2);
      for (const [at, value] of points) {
        const rows: Rows = byDay.get(at) ?? new Map();
        byDay.set(at, rows);
        const cells = rows.get(row) ?? new Map<string, number>();
        rows.set(row, cells);
        cells.set(column, value);
      }
    }
  }
  return byDay.get(day) ?? new Map();
}

/** How many installations `plan` affects on `day`, from the joint group's series. */
export function countPlan(
  plan: Plan,
  series: ReadonlyMap<string, Point[]>,
  day: number,
): PlanCount {
  const rows = rowsOn(planGroup(plan), series, day);
  const about = (xy: string) => plan.from === null || atLeast(xy, plan.from);
  const totals = [...rows].map(([xy, cells]): [string, number] => [
    xy,
    [...cells.values()].reduce((a, b) => a + b, 0),
  ]);
  const of = denominator(totals, about, ofText(plan));
  let lower = 0;
  let remainders = 0;
  let unknown = 0;
  for (const [xy, cells] of rows) {
    if (!about(xy)) continue;
    for (const [column, n] of cells) {
      if (column === OTHER) remainders += n;
      else if (column === UNKNOWN) unknown += n;
      else if (!atLeast(column, plan.min)) lower += n;
    }
  }
  return { day, lower, upper: lower + remainders, of, unknown };
}

/**
 * The installations `plan` would make upgrade on `day`, by the core x.y they run, newest first:
 * the published cells that break the rule (its lower bound; remainders are left out), by row for
 * a PostgreSQL rule (the row is core), by column for a core rule (the column is core).
 */
export function blockedByCore(
  plan: Plan,
  series: ReadonlyMap<string, Point[]>,
  day: number,
): Array<{ core: string; installations: number }> {
  const rows = rowsOn(planGroup(plan), series, day);
  const about = (xy: string) => plan.from === null || atLeast(xy, plan.from);
  const byCore = new Map<string, number>();
  for (const [xy, cells] of rows) {
    if (!about(xy)) continue;
    for (const [column, n] of cells) {
      if (column === OTHER || column === UNKNOWN || atLeast(column, plan.min)) continue;
      const core = plan.requires === "postgresql" ? xy : column;
      byCore.set(core, (byCore.get(core) ?? 0) + n);
    }
  }
  return [...byCore]
    .map(([core, installations]) => ({ core, installations }))
    .sort((a, b) => compareVersions(b.core, a.core));
}

function ofText(plan: Plan): string {
  const rows = plan.from === null ? plan.subject : `${plan.subject} ${plan.from} or newer`;
  return plan.requires === "postgresql"
    ? `installations on ${rows}`
    : `installations running ${rows} (and core)`;
}

/** The plan's count on each of `days` (the chosen range's days with data), oldest first. */
export const planTrend = (
  plan: Plan,
  series: ReadonlyMap<string, Point[]>,
  days: readonly number[],
): PlanCount[] => days.map((day) => countPlan(plan, series, day));

/** The days, ascending, on which the joint group has any point. */
export function planDays(plan: Plan, series: ReadonlyMap<string, Point[]>): number[] {
  const prefix = `${planGroup(plan)}__`;
  const days = new Set<number>();
  for (const [key, points] of series) {
    if (key.startsWith(prefix)) for (const [day] of points) days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}

/** "12" or "12–15" of "340 installations on core 3.80 or newer", with the share(s). */
export function planSummary(count: PlanCount): string {
  const share = (n: number) =>
    count.of.installations > 0 ? `${Math.round((n / count.of.installations) * 1000) / 10} %` : "—";
  const affected =
    count.lower === count.upper
      ? `${counted(count.lower)} (${share(count.lower)})`
      : `between ${counted(count.lower)} and ${counted(count.upper)} (${share(count.lower)}–${share(count.upper)})`;
  return `${isoDay(count.day)}: ${affected} of ${counted(count.of.installations)} ${count.of.of}`;
}

/** Days each range spans, as the page's ranges (ranges.ts); `all`: every year. */
const RANGE_DAYS: Record<RangeId, number | null> = { "30d": 30, "90d": 90, "1y": 365, all: null };

/** The first day of `range` ending on `asOf` (-Infinity for all). */
export const rangeFirstDay = (asOf: number, range: RangeId): number => {
  const span = RANGE_DAYS[range];
  return span === null ? Number.NEGATIVE_INFINITY : asOf - (span - 1) * DAY_MS;
};

/**
 * The calendar years of joint chunks the planner fetches for `range` (`years`: the page's), none
 * before the first year SUMMARY holds: the joint route answers those 404.
 */
export function planYears(asOf: number, range: RangeId, years: readonly number[]): number[] {
  const first = rangeFirstDay(asOf, range);
  const last = new Date(asOf).getUTCFullYear();
  if (first === Number.NEGATIVE_INFINITY) return [...new Set([...years, last])].sort();
  const out: number[] = [];
  const from = Math.max(new Date(first).getUTCFullYear(), years[0] ?? last);
  for (let year = from; year <= last; year++) out.push(year);
  return out;
}

/** Joint chunks as `/api/v1/joint/<group>/<YYYY>` serves them, as one series map. */
export function jointSeries(blocks: readonly SeriesBlock[]): Map<string, Point[]> {
  const series = new Map<string, Point[]>();
  for (const block of blocks) {
    for (const [key, points] of unpackBlock(block)) {
      series.set(key, [...(series.get(key) ?? []), ...points]);
    }
  }
  for (const points of series.values()) points.sort((a, b) => a[0] - b[0]);
  return series;
}

/** The days of `range` (ending on `asOf`) the plan's group has, at most 120 counted back from the latest. */
export function planRangeDays(
  plan: Plan,
  series: ReadonlyMap<string, Point[]>,
  asOf: number,
  range: RangeId,
): number[] {
  const first = rangeFirstDay(asOf, range);
  const days = planDays(plan, series).filter((day) => day >= first && day <= asOf);
  if (days.length <= MAX_POINTS) return days;
  // Every n-th day, counting back from the latest, so the latest is always there.
  const step = Math.ceil(days.length / MAX_POINTS);
  return days.filter((_, i) => (days.length - 1 - i) % step === 0);
}

const MAX_POINTS = 120;

/** The trend as a chart: the least and the most installations the rule affects each day. */
export function planChart(trend: readonly PlanCount[]): ChartModel {
  const exact = trend.every((c) => c.lower === c.upper);
  return {
    labels: trend.map((c) => isoDay(c.day)),
    datasets: exact
      ? [{ name: "Affected", values: trend.map((c) => c.lower) }]
      : [
          { name: "Affected, at least", values: trend.map((c) => c.lower) },
          { name: "Affected, at most", values: trend.map((c) => c.upper) },
        ],
    keys: [],
  };
}

/** A pair of components and the installations running both, on one day. */
export interface Together {
  a: string;
  b: string;
  installations: number;
  /** Of the installations running the less used of the two, in percent (one decimal). */
  share: number | null;
}

/**
 * The pairs of `together__` on `day`, most installations first (ties by name). Pairs with core
 * are left out: core runs on every installation, so such a pair is the other component's own
 * count, always 100 % of it, and would crowd the table's top.
 */
export function togetherOn(series: ReadonlyMap<string, Point[]>, day: number): Together[] {
  const on = (key: string) => series.get(key)?.find((p) => p[0] === day)?.[1];
  const pairs: Together[] = [];
  for (const key of series.keys()) {
    const match = /^together__(.+?)__(.+)$/.exec(key);
    const installations = on(key);
    if (!match || installations === undefined) continue;
    const a = match[1] as string;
    const b = match[2] as string;
    if (a === CORE || b === CORE) continue;
    const smaller = Math.min(on(`installed__${a}`) ?? 0, on(`installed__${b}`) ?? 0);
    const share = smaller > 0 ? Math.round((installations / smaller) * 1000) / 10 : null;
    pairs.push({ a, b, installations, share });
  }
  return pairs.sort(
    (x, y) => y.installations - x.installations || (`${x.a} ${x.b}` < `${y.a} ${y.b}` ? -1 : 1),
  );
}
