/**
 * Which `/api/v1/joint/<group>/<YYYY>` and `/api/v1/movement/<group>/<YYYY>` requests name
 * something SUMMARY can hold (docs/contract.md#not-found), decided from the published key list
 * and the page data alone, so that an invented group or year costs no KV read of its own.
 */
import { groupOf } from "@pulp-analytics/shared/store";
import { isJointGroup, isMovementGroup, VERSIONS_PREFIX } from "@pulp-analytics/shared/summary";

/**
 * The groups every night counts, published or not yet (a young SUMMARY may have none), core's
 * upgrade paths among them: the page's "Upgrades" reads them whatever SUMMARY holds.
 */
const FIXED_GROUPS = ["core_postgresql", "installed", "together", "upgrades__core"];

/** The same for the movement route: core's, which "Upgrades" reads (movement.ts). */
const FIXED_MOVEMENT_GROUPS = [
  "left_behind",
  "left_behind_on",
  "on_release__core",
  "on_release_median__core",
];

/**
 * The joint groups that exist: the fixed ones, every joint group with a published key, and
 * `plugin_core__<plugin>` for every published plugin (one with `versions__<plugin>__` keys),
 * which the page's planner offers whether or not its table has points yet.
 */
export function jointGroups(keys: Iterable<string>): Set<string> {
  const groups = new Set(FIXED_GROUPS);
  for (const key of keys) {
    const group = groupOf(key);
    if (isJointGroup(group)) groups.add(group);
    else if (key.startsWith(VERSIONS_PREFIX)) {
      const component = group.slice(VERSIONS_PREFIX.length);
      if (component !== "core") groups.add(`plugin_core__${component}`);
    }
  }
  return groups;
}

/**
 * The movement groups the movement route serves: core's four, and every one with a published key
 * but the upgrade paths (`upgrades__<component>`), which are joint groups and served by the joint
 * route, so that each group has one address and one cache entry.
 */
export function movementGroups(keys: Iterable<string>): Set<string> {
  const groups = new Set(FIXED_MOVEMENT_GROUPS);
  for (const key of keys) {
    const group = groupOf(key);
    if (isMovementGroup(group) && !isJointGroup(group)) groups.add(group);
  }
  return groups;
}

/**
 * The years a joint group may have: from the first year SUMMARY holds (`years`, the page data's,
 * ascending) to the current one, or to the last one SUMMARY holds when that is later. None
 * before the first summary.
 */
export function jointYears(years: readonly number[], current: number): Set<number> {
  const out = new Set<number>();
  const first = years[0];
  if (first === undefined) return out;
  const last = Math.max(current, years[years.length - 1] ?? first);
  for (let year = first; year <= last; year++) out.add(year);
  return out;
}
