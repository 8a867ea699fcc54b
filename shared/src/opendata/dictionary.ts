/**
 * The data dictionary (docs/contract.md#data-dictionary): what every family of series keys means,
 * written once. `GET /api/v1/dictionary` serves it with each family's first day, the series list
 * links each key to its family, OpenMetrics takes its HELP lines and metric labels from it, and
 * the badges their labels. Adding a family is one object literal in {@link FAMILIES}; a test
 * checks that docs/contract.md lists every family.
 */
import { SMALL_CELL_K } from "../config/privacy";
import { isoDay } from "../config/time";
import { parseChunk } from "../store/codec";
import { chunkKey, groupOf } from "../store/layout";

/** Every OpenMetrics metric name starts with this. */
export const METRIC_PREFIX = "pulp_analytics_";

export type Population = "all" | "persistent" | "established";

export interface SeriesFamily {
  /** Stable identifier, used by the series list and the dictionary. */
  id: string;
  /**
   * The keys of the family: fixed text and `<placeholders>`. The text before the first
   * placeholder is the prefix every key of the family starts with; without a placeholder the
   * pattern is the one key. With several placeholders the rest of the key is cut at its first
   * `__` until there is a part for each.
   */
  pattern: string;
  /** What a point counts or measures, on the summarized day. */
  counts: string;
  /** What the value is a number of. */
  unit: string;
  /**
   * Which installations of the day are counted: all of them, the persistent ones, or (the joint
   * families) the established ones (shared/src/config/privacy.ts).
   */
  population: Population;
  /** The check-in field the family is summarized from. */
  field: string;
  /** The first pulpcore release that sends that field. */
  since: string;
  /** `count`: a point only when above 0; `statistic`: a point when anyone reported the measure. */
  points: "count" | "statistic";
  /** How raw values become key parts. */
  bucketing: string;
  /** What is done with counts of very few installations. */
  smallCells: string;
  /** A badge's label: the pattern's `<placeholders>` are replaced by the key's parts. */
  label: string;
  /**
   * The OpenMetrics family this one is exported in (several may share one), or absent when the
   * family is left out of `/metrics`. The labels name the key's parts after `<metric>__`.
   */
  metric?: { name: string; labels: [string, ...string[]] };
}

const SMALL_CELLS = `a cell of fewer than ${SMALL_CELL_K} installations is not published on its own: its count goes into its row's \`other\` cell, and when that would hold a single hidden cell the row's next smallest cell joins it (docs/contract.md#joint-series)`;
const NEW_ROWS_CAP =
  "a new row (a new x.y) enters whole or not at all, at most 20 new rows a group a day (docs/contract.md#joint-series)";

const MOVEMENT_SINCE =
  "counted from the first day this service recorded movement; the Django history has none (docs/contract.md#movement-series)";
/** MOVEMENT_SINCE once SUMMARY holds a point of the family: its first day, named. */
const movementSince = (day: number) =>
  `counted since ${isoDay(day)}, the first day this service recorded movement; the Django history has none (docs/contract.md#movement-series)`;

const NO_SMALL_CELL_RULE =
  "none: every count is published, down to one installation (the series hold only counts, never an installation's identity)";
const POWER_OF_TWO_BUCKETS =
  "buckets 0, 1, 2, 3-4, 5-8, 9-16, 17-32, ..., each upper bound a power of two";
const NEW_SERIES_CAP =
  "at most 20 new series may enter a group on one day, the largest counts first (docs/contract.md#new-series-are-capped)";

export const FAMILIES: readonly SeriesFamily[] = [
  {
    id: "systems_total",
    pattern: "systems__total",
    counts: "installations that checked in on the day",
    unit: "installations",
    population: "all",
    field: "system_id",
    since: "3.20",
    points: "count",
    bucketing: "none",
    smallCells: NO_SMALL_CELL_RULE,
    label: "Pulp installations",
    metric: { name: "systems", labels: ["kind"] },
  },
  {
    id: "systems_persistent",
    pattern: "systems__persistent",
    counts:
      "installations that checked in on the day and were first seen at least PERSISTENT_MIN_AGE_DAYS before it (production: 1)",
    unit: "installations",
    population: "persistent",
    field: "system_id",
    since: "3.20",
    points: "count",
    bucketing: "none",
    smallCells: NO_SMALL_CELL_RULE,
    label: "persistent Pulp installations",
    metric: { name: "systems", labels: ["kind"] },
  },
  {
    id: "versions",
    pattern: "versions__<component>__<x.y>",
    counts: "installations running a published component at an x.y version",
    unit: "installations",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `the first two numeric parts of the version (3.49.1 → 3.49; no second part → unknown); ${NEW_SERIES_CAP}`,
    smallCells: NO_SMALL_CELL_RULE,
    label: "<component> <x.y> installations",
    metric: { name: "versions", labels: ["component", "version"] },
  },
  {
    id: "versions_xyz",
    pattern: "versions_xyz__<component>__<version>",
    counts: "installations running exactly that version of a published component",
    unit: "installations",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `none: the version string as sent; ${NEW_SERIES_CAP}`,
    smallCells: NO_SMALL_CELL_RULE,
    label: "<component> <version> installations",
  },
  {
    id: "postgresql",
    pattern: "postgresql__<major>",
    counts: "installations by the major version of their PostgreSQL server",
    unit: "installations",
    population: "persistent",
    field: "postgresql_version",
    since: "3.22",
    points: "count",
    bucketing:
      "server_version to its major (150004 → 15, 90624 → 9.6); not reported or 0 → unknown",
    smallCells: NO_SMALL_CELL_RULE,
    label: "PostgreSQL <major> installations",
    metric: { name: "postgresql", labels: ["major"] },
  },
  {
    id: "online_workers",
    pattern: "online_workers__<measure>__<stat>",
    counts:
      "online Pulp workers per installation that reported them: <measure> is processes or hosts, <stat> is mean, min, max, p50 (median) or p90",
    unit: "processes or hosts (per <measure>) per installation",
    population: "persistent",
    field: "online_workers",
    since: "3.20",
    points: "statistic",
    bucketing:
      "none: exact statistics over the installations, means and percentiles rounded to 2 decimals",
    smallCells: NO_SMALL_CELL_RULE,
    label: "workers <measure> <stat>",
    metric: { name: "online_workers", labels: ["measure", "stat"] },
  },
  {
    id: "online_content_apps",
    pattern: "online_content_apps__<measure>__<stat>",
    counts:
      "online content apps per installation that reported them: <measure> is processes or hosts, <stat> is mean, min, max, p50 (median) or p90",
    unit: "processes or hosts (per <measure>) per installation",
    population: "persistent",
    field: "online_content_apps",
    since: "3.20",
    points: "statistic",
    bucketing:
      "none: exact statistics over the installations, means and percentiles rounded to 2 decimals",
    smallCells: NO_SMALL_CELL_RULE,
    label: "content apps <measure> <stat>",
    metric: { name: "online_content_apps", labels: ["measure", "stat"] },
  },
  {
    id: "age",
    pattern: "age__<bucket>",
    counts: "installations by whole UTC days since they were first seen",
    unit: "installations",
    population: "all",
    field: "system_id",
    since: "3.20",
    points: "count",
    bucketing: POWER_OF_TWO_BUCKETS,
    smallCells: NO_SMALL_CELL_RULE,
    label: "installations aged <bucket> days",
    metric: { name: "age", labels: ["bucket"] },
  },
  {
    id: "rbac",
    pattern: "rbac__<measure>__<bucket>",
    counts:
      "installations by how many RBAC objects of a kind they have: <measure> is users, groups, domains, custom_access_policies or custom_roles",
    unit: "installations",
    population: "persistent",
    field: "rbac_stats",
    since: "3.23",
    points: "count",
    bucketing: POWER_OF_TWO_BUCKETS,
    smallCells: NO_SMALL_CELL_RULE,
    label: "installations with <bucket> <measure>",
    metric: { name: "rbac", labels: ["measure", "bucket"] },
  },
  {
    id: "core_postgresql",
    pattern: "core_postgresql__<core>__<major>",
    counts:
      "installations by core x.y and PostgreSQL major together (<major> unknown: not reported; other: the row's remainder)",
    unit: "installations",
    population: "established",
    field: "components, postgresql_version",
    since: "3.22",
    points: "count",
    bucketing: `core as x.y, PostgreSQL as its major, as in versions and postgresql; ${NEW_ROWS_CAP}`,
    smallCells: SMALL_CELLS,
    label: "core <core> on PostgreSQL <major> installations",
    metric: { name: "core_postgresql", labels: ["core", "major"] },
  },
  {
    id: "plugin_core",
    pattern: "plugin_core__<plugin>__<x.y>__<core>",
    counts:
      "installations by a published plugin's x.y and core's x.y together (<core> other: the row's remainder)",
    unit: "installations",
    population: "established",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `both versions as x.y; ${NEW_ROWS_CAP}`,
    smallCells: SMALL_CELLS,
    label: "<plugin> <x.y> on core <core> installations",
    metric: { name: "plugin_core", labels: ["plugin", "version", "core"] },
  },
  {
    id: "installed",
    pattern: "installed__<component>",
    counts: "installations running a published component, whatever its version",
    unit: "installations",
    population: "established",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: "none",
    smallCells: NO_SMALL_CELL_RULE,
    label: "<component> installations",
    metric: { name: "installed", labels: ["component"] },
  },
  {
    id: "together",
    pattern: "together__<component>__<with>",
    counts: "installations running both published components of the pair (named in sorted order)",
    unit: "installations",
    population: "established",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: "none",
    smallCells: `a pair of fewer than ${SMALL_CELL_K} installations is left out (pairs add up to no published total, so nothing else hides it)`,
    label: "<component> with <with> installations",
    metric: { name: "together", labels: ["component", "with"] },
  },
  {
    id: "upgrades",
    pattern: "upgrades__<component>__<from>__<to>",
    counts: `installations whose x.y of a published component became <to> on the day, from a lower <from> (skipped releases included; downgrades and added components are not upgrades; <to> other: the row's remainder); ${MOVEMENT_SINCE}`,
    unit: "installations",
    population: "established",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `both versions as x.y, compared numerically (3.9 < 3.10); ${NEW_ROWS_CAP}`,
    smallCells: SMALL_CELLS,
    label: "<component> <from> to <to> upgrades",
    metric: { name: "upgrades", labels: ["component", "from", "to"] },
  },
  {
    id: "on_release",
    pattern: "on_release__<component>__<bucket>",
    counts: `installations running a published component, by whole days on its current x.y as far as this service has seen (an x.y reported before movement was recorded counts from the first day it was); ${MOVEMENT_SINCE}`,
    unit: "installations",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `days on the x.y: under_30d [0, 30), 30_90d [30, 90), 90_180d [90, 180), 180_365d [180, 365), 1_2y [365, 730), over_2y 730 and more; ${NEW_SERIES_CAP}`,
    smallCells: NO_SMALL_CELL_RULE,
    label: "<component> installations on their x.y for <bucket>",
    metric: { name: "on_release", labels: ["component", "bucket"] },
  },
  {
    id: "on_release_median",
    pattern: "on_release_median__<component>__<x.y>",
    counts: `the median of the whole days the installations running a published component at an x.y have been on it, as far as this service has seen; ${MOVEMENT_SINCE}`,
    unit: "days",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "statistic",
    bucketing: `exact over the installations, interpolated between the two middle ones, rounded to 2 decimals; ${NEW_SERIES_CAP}`,
    smallCells: `published only when at least ${SMALL_CELL_K} installations run the x.y (a median of fewer comes close to one installation's value)`,
    label: "<component> <x.y> median days on it",
    metric: { name: "on_release_median", labels: ["component", "version"] },
  },
  {
    id: "left_behind",
    pattern: "left_behind__<age>",
    counts: `installations whose core x.y has not changed for at least <age>: 6m (182 days), 12m (365) or 24m (730), as far as this service has seen; ${MOVEMENT_SINCE}`,
    unit: "installations",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: "none",
    smallCells: NO_SMALL_CELL_RULE,
    label: "installations on their core x.y for <age> or more",
    metric: { name: "left_behind", labels: ["age"] },
  },
  {
    id: "left_behind_on",
    pattern: "left_behind_on__<band>__<core>",
    counts: `installations by how long their core x.y has not changed (<band> 6_12m, 12_24m, over_24m: disjoint) and the x.y they sit on (<core> other: the row's remainder); ${MOVEMENT_SINCE}`,
    unit: "installations",
    population: "persistent",
    field: "components",
    since: "3.20",
    points: "count",
    bucketing: `core as x.y, as in versions; ${NEW_SERIES_CAP}`,
    smallCells: SMALL_CELLS,
    label: "installations on core <core> unchanged for <band>",
    metric: { name: "left_behind_on", labels: ["band", "core"] },
  },
];

/** The text before the first placeholder: every key of the family starts with it. */
const prefixOf = (family: SeriesFamily) => family.pattern.split("<")[0] as string;
const isExact = (family: SeriesFamily) => !family.pattern.includes("<");

/** The family of a series key, or undefined when no family describes it. */
export function familyOf(key: string): SeriesFamily | undefined {
  let best: SeriesFamily | undefined;
  for (const family of FAMILIES) {
    const prefix = prefixOf(family);
    const fits = isExact(family) ? key === prefix : key.startsWith(prefix);
    if (fits && (!best || prefix.length > prefixOf(best).length)) best = family;
  }
  return best;
}

/**
 * The values of a key's placeholders (`versions__core__3.49` → `["core", "3.49"]`), cut at the
 * first `__` while placeholders remain ({@link splitParts}); null when the key is not of the
 * family or a part is empty.
 */
export function keyParts(family: SeriesFamily, key: string): string[] | null {
  const prefix = prefixOf(family);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  const placeholders = family.pattern.match(/<[^>]+>/g)?.length ?? 0;
  if (placeholders === 0) return rest === "" ? [] : null;
  return splitParts(rest, placeholders);
}

/**
 * `rest` cut at its first `__` until there are `parts` parts (`a__b__c` with 2 → `a`, `b__c`);
 * null when a part would be empty.
 */
export function splitParts(rest: string, parts: number): string[] | null {
  const out: string[] = [];
  let left = rest;
  while (out.length < parts - 1) {
    const cut = left.indexOf("__");
    if (cut <= 0) return null;
    out.push(left.slice(0, cut));
    left = left.slice(cut + 2);
  }
  if (left === "") return null;
  out.push(left);
  return out;
}

/** The badge label of a key of `family` (`versions__rpm__3.28` → `rpm 3.28 installations`). */
export function labelOf(family: SeriesFamily, key: string): string {
  const parts = keyParts(family, key) ?? [];
  const names = family.pattern.match(/<[^>]+>/g) ?? [];
  let label = family.label;
  for (const [i, name] of names.entries()) label = label.replaceAll(name, parts[i] ?? "");
  return label;
}

/** Each key's family id, for the series list; keys no family describes are left out. */
export function familiesOfKeys(keys: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const family = familyOf(key);
    if (family) out[key] = family.id;
  }
  return out;
}

/** One family as `GET /api/v1/dictionary` lists it. */
export type DictionaryEntry = Omit<SeriesFamily, "metric" | "label"> & {
  /** The first day any key of the family has a point, `YYYY-MM-DD`, or null before any. */
  firstDay: string | null;
  /** The OpenMetrics metric name, or null when `/metrics` leaves the family out. */
  metric: string | null;
};

/**
 * The year values to read for the first days: per family, the earliest year whose key list has
 * one of its keys, and the chunks of that year holding those keys (a bounded bulk read).
 */
export function firstYearChunks(keysByYear: ReadonlyMap<number, readonly string[]>): string[] {
  const earliest = new Map<string, number>();
  const chunks = new Set<string>();
  const years = [...keysByYear.keys()].sort((a, b) => a - b);
  for (const year of years) {
    for (const key of keysByYear.get(year) ?? []) {
      const family = familyOf(key);
      if (!family) continue;
      const first = earliest.get(family.id) ?? year;
      earliest.set(family.id, first);
      if (first === year) chunks.add(chunkKey(groupOf(key), year));
    }
  }
  return [...chunks].sort();
}

/** The dictionary with each family's first day, from the chunks {@link firstYearChunks} named. */
export function dictionary(chunkTexts: Iterable<string>): { families: DictionaryEntry[] } {
  const first = new Map<string, number>();
  for (const text of chunkTexts) {
    for (const [key, points] of parseChunk(text)) {
      const family = familyOf(key);
      const day = points[0]?.[0];
      if (!family || day === undefined) continue;
      first.set(family.id, Math.min(first.get(family.id) ?? day, day));
    }
  }
  return {
    families: FAMILIES.map(({ metric, label: _label, ...family }) => {
      const day = first.get(family.id);
      // The movement families say since when, from SUMMARY's first point of theirs.
      const counts =
        day === undefined
          ? family.counts
          : family.counts.replace(MOVEMENT_SINCE, movementSince(day));
      return {
        ...family,
        counts,
        firstDay: day === undefined ? null : isoDay(day),
        metric: metric ? `${METRIC_PREFIX}${metric.name}` : null,
      };
    }),
  };
}
