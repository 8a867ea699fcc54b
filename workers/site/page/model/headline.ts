/** The headline: the numbers a visitor looks for first, from the page data alone. */
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import type { PageData } from "@pulp-analytics/shared/store";
import { POSTGRESQL_PREFIX, SYSTEMS_TOTAL } from "@pulp-analytics/shared/summary";
import { canReport, type Denominator, denominator } from "./denominators";
import { isSupportedPostgresql } from "./postgresql";
import { family, indexOf, latest } from "./series";
import { percent } from "./shares";
import { compareVersions, versionMembers } from "./versions";

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
  /**
   * The share on a supported PostgreSQL of the installations that reported a known major
   * (`known`); `reporting` is who could report one at all (core 3.22 or newer), the same
   * denominator function the planner uses.
   */
  postgresql: {
    share: number;
    supported: number;
    known: number;
    unknown: number;
    reporting: Denominator;
  } | null;
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
  const knownTotal = denominator(
    majors.map((m): [string, number] => [m.major, m.installations]),
    (major) => major !== "unknown",
    "installations that reported a PostgreSQL major",
  ).installations;
  const reporting = canReport(
    core.map((v): [string, number] => [v.xy, v.installations]),
    "postgresql",
  );
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
        ? {
            share: percent(supported, knownTotal),
            supported,
            known: knownTotal,
            unknown,
            reporting,
          }
        : null,
  };
}
