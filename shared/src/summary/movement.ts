/**
 * The movement series (docs/contract.md#movement-series): how installations upgrade, from the
 * movement RAW remembers per published component (raw/metadata.ts: since which UTC day the
 * current x.y is reported, and the x.y before). Pure: {@link movementOf} is what one persistent
 * installation adds on day D, {@link publishMovement} turns the day's sums into points. Only
 * installations with movement known for the component count (version 1 entries have none).
 *
 * Families and their SUMMARY groups (store/layout.ts):
 * - `upgrades__<component>__<from>__<to>`: established installations whose x.y became `<to>` on D
 *   from a lower `<from>`; a table per component (rows `<from>`, columns `<to>`) under the
 *   small-cell rule (joint.ts), group `upgrades__<component>`, a joint group (out of the page's
 *   views, new rows capped whole). Its raw cells are counted with the other joint cells.
 * - `on_release__<component>__<bucket>`: persistent installations by days on their current x.y
 *   (D − since), group `on_release__<component>`.
 * - `on_release_median__<component>__<x.y>`: the median of those days over the installations on
 *   that x.y, when at least K are; group `on_release_median__<component>`.
 * - `left_behind__<age>`: installations whose core x.y has not changed for at least 6, 12 or 24
 *   months (182, 365, 730 days); group `left_behind`.
 * - `left_behind_on__<band>__<core x.y>`: installations by how long their core x.y has not changed
 *   (`6_12m`, `12_24m`, `over_24m`: disjoint bands, so that no two published cells differ by a
 *   small cell) and the x.y they sit on, a table (rows the bands, columns x.y) under the
 *   small-cell rule; group `left_behind_on`.
 *
 * Days are "on this x.y as far as this service has seen": a lower-bound `since` (the x.y was
 * reported before RAW recorded movement) counts from the day RAW first knew it. All but the
 * upgrades follow from one additive sum: installations per (component, x.y, days).
 */

import { DAY_MS } from "../config/names";
import { publishTable, type Table } from "./joint";
import { UPGRADES_PREFIX } from "./keys";
import { median } from "./stats";

const ON_RELEASE_PREFIX = "on_release__";
export const ON_RELEASE_MEDIAN_PREFIX = "on_release_median__";
const LEFT_BEHIND_PREFIX = "left_behind__";
export const LEFT_BEHIND_ON_PREFIX = "left_behind_on__";
/** The group of every `left_behind_on__` key (the others' groups are groupOf's default). */
export const LEFT_BEHIND_ON_GROUP = "left_behind_on";

const CORE = "core";

/**
 * The movement groups, which the page does not chart yet: kept out of `_page` and the weekly
 * history (store/layout.ts `isViewGroup`), so they cost the page nothing; the series API, the
 * CSV, the export and `/metrics` serve them.
 */
export const isMovementGroup = (group: string) =>
  group.startsWith(UPGRADES_PREFIX) ||
  group.startsWith(ON_RELEASE_PREFIX) ||
  group.startsWith(ON_RELEASE_MEDIAN_PREFIX) ||
  group === LEFT_BEHIND_ON_GROUP ||
  group === "left_behind";

/** Days on the current x.y → bucket: [0, 30), [30, 90), [90, 180), [180, 365), [365, 730), ≥ 730. */
const ON_RELEASE_BUCKETS: ReadonlyArray<readonly [fromDays: number, name: string]> = [
  [0, "under_30d"],
  [30, "30_90d"],
  [90, "90_180d"],
  [180, "180_365d"],
  [365, "1_2y"],
  [730, "over_2y"],
];

/** Core x.y unchanged for at least this many days → `left_behind__<age>`. */
const LEFT_BEHIND_AGES: ReadonlyArray<readonly [minDays: number, name: string]> = [
  [182, "6m"],
  [365, "12m"],
  [730, "24m"],
];

const upgradesKey = (component: string, from: string, to: string) =>
  `${UPGRADES_PREFIX}${component}__${from}__${to}`;
const onReleaseKey = (component: string, bucket: string) =>
  `${ON_RELEASE_PREFIX}${component}__${bucket}`;
const onReleaseMedianKey = (component: string, xy: string) =>
  `${ON_RELEASE_MEDIAN_PREFIX}${component}__${xy}`;
/**
 * Core x.y unchanged for this many days and less than the next band's → `left_behind_on__<band>`.
 * Disjoint where the ages above are nested: two nested rows' cells could each reach K and still
 * differ by one installation.
 */
const LEFT_BEHIND_BANDS: ReadonlyArray<readonly [minDays: number, name: string]> = [
  [182, "6_12m"],
  [365, "12_24m"],
  [730, "over_24m"],
];

const leftBehindKey = (age: string) => `${LEFT_BEHIND_PREFIX}${age}`;
const leftBehindOnRow = (band: string) => `${LEFT_BEHIND_ON_PREFIX}${band}`;

/** The band of a number of days on core's x.y; null under six months. */
function leftBehindBand(days: number): string | null {
  let name: string | null = null;
  for (const [from, band] of LEFT_BEHIND_BANDS) if (days >= from) name = band;
  return name;
}

/** The bucket of a number of days on an x.y (≥ 0). */
export function onReleaseBucket(days: number): string {
  let name = (ON_RELEASE_BUCKETS[0] as readonly [number, string])[1];
  for (const [from, bucket] of ON_RELEASE_BUCKETS) if (days >= from) name = bucket;
  return name;
}

const XY = /^(\d+)\.(\d+)$/;

/** x.y compared numerically part by part (3.9 < 3.10); null when either is not an x.y. */
export function compareXy(a: string, b: string): number | null {
  const x = XY.exec(a);
  const y = XY.exec(b);
  if (!x || !y) return null;
  return Number(x[1]) - Number(y[1]) || Number(x[2]) - Number(y[2]);
}

/** One component's movement as the summarizer reads it (rule.ts's `SystemRecord.movement`). */
export interface ComponentMovement {
  /** 00:00 UTC (epoch ms) of the day the current x.y was first reported. */
  since: number;
  /** False: a lower bound, the x.y was reported on `since` and maybe before. */
  sinceKnown: boolean;
  /** The x.y reported before `since` ("" when the component was added then); absent: none known. */
  previous?: string;
}

/** What one persistent installation adds to day D's movement sums. */
export interface MovementCells {
  /** Raw upgrade cells (joint cells: counted for established installations only). */
  upgrades: string[];
  /** `[on_release_median key, days on the x.y]`: one per component with movement. */
  days: Array<[string, number]>;
}

/**
 * The movement cells of one persistent installation on `day`, from its published components'
 * current x.y (`current`, component → x.y) and its movement. A component whose x.y arrived after
 * D (the installation checked in again since) is not counted for D: on D it ran another one.
 */
export function movementCells(
  day: number,
  current: ReadonlyArray<readonly [string, string]>,
  movement: ReadonlyMap<string, ComponentMovement>,
): MovementCells {
  const upgrades: string[] = [];
  const days: Array<[string, number]> = [];
  for (const [component, xy] of current) {
    const m = movement.get(component);
    if (!m || m.since > day) continue;
    days.push([onReleaseMedianKey(component, xy), Math.round((day - m.since) / DAY_MS)]);
    if (m.since !== day || !m.sinceKnown || !m.previous) continue;
    if ((compareXy(m.previous, xy) ?? 0) < 0) upgrades.push(upgradesKey(component, m.previous, xy));
  }
  return { upgrades, days };
}

/**
 * The day's movement points but the upgrades (published with the joint cells), from
 * `on_release_median` key → days on the x.y → installations: the buckets, the medians of at
 * least `k` installations, core's left-behind counts and their table by band under the
 * small-cell rule (a row's cells under `k` summed in its `left_behind_on__<band>__other`).
 */
export function publishMovement(
  days: ReadonlyMap<string, ReadonlyMap<number, number>>,
  k: number,
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string, n: number) => out.set(key, (out.get(key) ?? 0) + n);
  const leftBehind: Table = new Map();
  for (const [key, values] of days) {
    const rest = key.slice(ON_RELEASE_MEDIAN_PREFIX.length);
    const cut = rest.lastIndexOf("__");
    const component = rest.slice(0, cut);
    const xy = rest.slice(cut + 2);
    let n = 0;
    for (const [d, count] of values) {
      if (count <= 0) continue;
      n += count;
      add(onReleaseKey(component, onReleaseBucket(d)), count);
      if (component !== CORE) continue;
      for (const [min, age] of LEFT_BEHIND_AGES) if (d >= min) add(leftBehindKey(age), count);
      const band = leftBehindBand(d);
      if (band === null) continue;
      const row = leftBehind.get(leftBehindOnRow(band)) ?? new Map<string, number>();
      leftBehind.set(leftBehindOnRow(band), row);
      row.set(xy, (row.get(xy) ?? 0) + count);
    }
    if (n >= k) out.set(key, median(values));
  }
  publishTable(leftBehind, k, false, out);
  return out;
}
