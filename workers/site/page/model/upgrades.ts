/**
 * "Upgrades": how installations move between core releases, from the movement series
 * (docs/contract.md#movement-series), which the page fetches apart from its data: the upgrade
 * paths (`upgrades__core__<from>__<to>`, a joint group) for the chosen range, and the latest day of
 * time on a release (`on_release__core__<bucket>`, `on_release_median__core__<x.y>`) and of the
 * installations left behind (`left_behind__<age>`, `left_behind_on__<band>__<x.y>`). Pure.
 */
import type { Point } from "@pulp-analytics/shared/summary";
import type { ChartModel } from "./charts";
import { compareVersions } from "./versions";

const CORE = "core";
const OTHER = "other";

/** The movement groups "Upgrades" reads, and through which route (docs/contract.md#4-public-read-api). */
export const UPGRADES_GROUPS = {
  paths: { route: "joint", group: `upgrades__${CORE}` },
  onRelease: { route: "movement", group: `on_release__${CORE}` },
  medians: { route: "movement", group: `on_release_median__${CORE}` },
  leftBehind: { route: "movement", group: "left_behind" },
  leftBehindOn: { route: "movement", group: "left_behind_on" },
} as const;

/** One upgrade path and the upgrades along it summed over a range. */
export interface UpgradePath {
  from: string;
  /** An x.y, or `other`: the row's remainder (paths from `from` of fewer than K each). */
  to: string;
  upgrades: number;
  key: string;
}

/**
 * The core upgrade paths of the days `first` to `last` (inclusive), each the sum of its daily
 * points, most upgrades first (ties: the newer `to`, then the newer `from`).
 */
export function upgradePaths(
  series: ReadonlyMap<string, readonly Point[]>,
  first: number,
  last: number,
): UpgradePath[] {
  const prefix = `${UPGRADES_GROUPS.paths.group}__`;
  const paths: UpgradePath[] = [];
  for (const [key, points] of series) {
    if (!key.startsWith(prefix)) continue;
    const [from, to, ...rest] = key.slice(prefix.length).split("__");
    if (!from || !to || rest.length > 0) continue;
    let upgrades = 0;
    for (const [day, value] of points) if (day >= first && day <= last) upgrades += value;
    if (upgrades > 0) paths.push({ from, to, upgrades, key });
  }
  const newer = (a: string, b: string) =>
    a === OTHER ? (b === OTHER ? 0 : 1) : b === OTHER ? -1 : compareVersions(b, a);
  return paths.sort(
    (a, b) => b.upgrades - a.upgrades || newer(a.to, b.to) || newer(a.from, b.from),
  );
}

/** A path in words: `3.48 → 3.49`; a row's remainder `3.48 → other x.y`. */
export const pathName = (p: UpgradePath): string =>
  `${p.from} → ${p.to === OTHER ? "other x.y" : p.to}`;

/** Paths the chart draws; the rest are summed in one bar and listed in the full table. */
const TOP_PATHS = 10;

/** The most common paths as bars, the rest in one "Other paths" bar. */
export function pathsChart(paths: readonly UpgradePath[]): ChartModel {
  const top = paths.slice(0, TOP_PATHS);
  const rest = paths.slice(TOP_PATHS);
  const labels = top.map(pathName);
  const values = top.map((p) => p.upgrades);
  if (rest.length > 0) {
    labels.push("Other paths");
    values.push(rest.reduce((n, p) => n + p.upgrades, 0));
  }
  return {
    labels,
    datasets: [{ name: "Upgrades", values }],
    keys: paths.map((p) => p.key),
  };
}

/** Each series' value on `day`, by key, for the keys starting with `prefix`. */
function valuesOn(
  series: ReadonlyMap<string, readonly Point[]>,
  prefix: string,
  day: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, points] of series) {
    if (!key.startsWith(prefix)) continue;
    const point = points.find(([at]) => at === day);
    if (point) out.set(key.slice(prefix.length), point[1]);
  }
  return out;
}

/** The latest day, up to `asOf`, on which some series starting with `prefix` has a point. */
export function latestDay(
  series: ReadonlyMap<string, readonly Point[]>,
  prefix: string,
  asOf: number,
): number | null {
  let latest: number | null = null;
  for (const [key, points] of series) {
    if (!key.startsWith(prefix)) continue;
    for (const [day] of points) if (day <= asOf && (latest === null || day > latest)) latest = day;
  }
  return latest;
}

/** The buckets of `on_release__`, shortest first, and how the page names them. */
const ON_RELEASE_BUCKETS: ReadonlyArray<readonly [bucket: string, label: string]> = [
  ["under_30d", "under 30 days"],
  ["30_90d", "30–90 days"],
  ["90_180d", "90–180 days"],
  ["180_365d", "180–365 days"],
  ["1_2y", "1–2 years"],
  ["over_2y", "over 2 years"],
];

/** Installations by time on their core x.y on `day`: every bucket, in order, 0 where none. */
export function onReleaseChart(
  series: ReadonlyMap<string, readonly Point[]>,
  day: number,
): ChartModel {
  const prefix = `${UPGRADES_GROUPS.onRelease.group}__`;
  const on = valuesOn(series, prefix, day);
  return {
    labels: ON_RELEASE_BUCKETS.map(([, label]) => label),
    datasets: [{ name: "Installations", values: ON_RELEASE_BUCKETS.map(([b]) => on.get(b) ?? 0) }],
    keys: ON_RELEASE_BUCKETS.map(([b]) => `${prefix}${b}`),
  };
}

/** The ages of `left_behind__`, and how the page names them. */
export const LEFT_BEHIND_AGES: ReadonlyArray<readonly [age: string, label: string]> = [
  ["6m", "6 months"],
  ["12m", "12 months"],
  ["24m", "24 months"],
];

/** Installations left behind on one day, and of how many whose movement is known. */
export interface LeftBehind {
  day: number;
  /** Per age of LEFT_BEHIND_AGES, in order: installations on their core x.y for at least it. */
  counts: number[];
  /** Installations with core's time on its x.y known that day (the `on_release__core` buckets). */
  of: number;
}

/** `left_behind__<age>` on `day`, 0 where an age has no point, over the day's known installations. */
export function leftBehindOn(
  series: ReadonlyMap<string, readonly Point[]>,
  day: number,
): LeftBehind {
  const counts = valuesOn(series, "left_behind__", day);
  const buckets = valuesOn(series, `${UPGRADES_GROUPS.onRelease.group}__`, day);
  return {
    day,
    counts: LEFT_BEHIND_AGES.map(([age]) => counts.get(age) ?? 0),
    of: [...buckets.values()].reduce((a, b) => a + b, 0),
  };
}

/** The disjoint bands of `left_behind_on`, and how the page names them. */
export const LEFT_BEHIND_BANDS: ReadonlyArray<readonly [band: string, label: string]> = [
  ["6_12m", "6–12 months"],
  ["12_24m", "12–24 months"],
  ["over_24m", "over 24 months"],
];

/** One core x.y: the median days on it, and how many have sat on it 6–12, 12–24, over 24 months. */
export interface ReleaseStay {
  xy: string;
  /** Median whole days on it, or null: fewer than K installations (no point). */
  medianDays: number | null;
  /** Per band of LEFT_BEHIND_BANDS; null: under K, inside the row's `other`. */
  leftBehind: Array<number | null>;
}

/**
 * Per core x.y on `day`, newest first: its `on_release_median__core__<x.y>` and its cells of
 * `left_behind_on`. An x.y is listed when it has either; `other` (the remainders) is not an x.y.
 */
export function releaseStays(
  series: ReadonlyMap<string, readonly Point[]>,
  day: number,
): ReleaseStay[] {
  const medians = valuesOn(series, `${UPGRADES_GROUPS.medians.group}__`, day);
  const cells = LEFT_BEHIND_BANDS.map(([band]) =>
    valuesOn(series, `left_behind_on__${band}__`, day),
  );
  const xys = new Set([...medians.keys(), ...cells.flatMap((c) => [...c.keys()])]);
  xys.delete(OTHER);
  return [...xys]
    .sort((a, b) => compareVersions(b, a))
    .map((xy) => ({
      xy,
      medianDays: medians.get(xy) ?? null,
      leftBehind: cells.map((c) => c.get(xy) ?? null),
    }));
}

/**
 * The planner's "how long their kind usually takes": per core x.y of the installations a rule
 * would make upgrade (`blocked`, from planner.ts's {@link blockedByCore}), the median days
 * installations have been on that core x.y on `day` (`on_release_median__core__<x.y>`), null
 * where fewer than K run it or movement was not counted yet.
 */
export function blockedStays(
  series: ReadonlyMap<string, readonly Point[]>,
  day: number | null,
  blocked: ReadonlyArray<{ core: string; installations: number }>,
): Array<{ core: string; installations: number; medianDays: number | null }> {
  const medians =
    day === null
      ? new Map<string, number>()
      : valuesOn(series, `${UPGRADES_GROUPS.medians.group}__`, day);
  return blocked.map((b) => ({ ...b, medianDays: medians.get(b.core) ?? null }));
}

/** Days as the page writes a stay: `12 days`, `1 day`, `about 3 months`, `about 1.5 years`. */
export function stayText(days: number): string {
  const whole = Math.round(days);
  if (whole < 60) return `${whole} day${whole === 1 ? "" : "s"}`;
  if (whole < 730) return `about ${Math.round(whole / 30.44)} months`;
  return `about ${Math.round((whole / 365.25) * 10) / 10} years`;
}

/**
 * "since <day>": the first day SUMMARY has a movement series, from the data dictionary's
 * `firstDay` of the movement families (the earliest of them), or null before any.
 */
export function movementSince(
  families: ReadonlyArray<{ id: string; firstDay: string | null }>,
): string | null {
  const ids = new Set([
    "upgrades",
    "on_release",
    "on_release_median",
    "left_behind",
    "left_behind_on",
  ]);
  const days = families
    .filter((f) => ids.has(f.id) && f.firstDay !== null)
    .map((f) => f.firstDay as string)
    .sort();
  return days[0] ?? null;
}
