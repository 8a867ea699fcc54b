/**
 * Release adoption of a component: the share on each recent x.y or newer, and the days each
 * x.y took to reach a quarter and a half of the installations.
 */
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { type PageData, unpack, type WeeklyHistory } from "@pulp-analytics/shared/store";
import { type Point, VERSIONS_PREFIX } from "@pulp-analytics/shared/summary";
import { indexOf, latest } from "./series";
import { percent } from "./shares";
import { compareVersions, versionMembers } from "./versions";

/** How many of a component's newest x.y the time-to-share table shows. */
export const ADOPTION_VERSIONS = 8;

export interface AtLeastRow {
  xy: string;
  /** Installations on this x.y on the latest day. */
  installations: number;
  /** Installations on this x.y or newer on the latest day. */
  atLeastInstallations: number;
  /** Percent of the component's installations on this x.y or newer, one decimal. */
  atLeast: number;
}

/**
 * "3.45 or newer: 62 %": for each of a component's x.y on the latest day (newest first; the
 * `count` newest), the share of its installations on that x.y or a newer one, cumulative from
 * the newest.
 */
export function atLeastShares(
  page: PageData,
  component: string,
  count = Number.POSITIVE_INFINITY,
): AtLeastRow[] {
  const versions = versionMembers(indexOf(page).recent.keys(), component)
    .map((m) => ({ xy: m.label, installations: latest(page, m.key) }))
    .filter((v) => v.installations > 0)
    .sort((a, b) => compareVersions(b.xy, a.xy));
  const total = versions.reduce((n, v) => n + v.installations, 0);
  let running = 0;
  return versions.slice(0, count).map((v) => {
    running += v.installations;
    return { ...v, atLeastInstallations: running, atLeast: percent(running, total) };
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
