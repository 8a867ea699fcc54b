/**
 * The new-series cap (`MAX_NEW_SERIES_PER_GROUP`) as the joint groups take it: by row, not by
 * series. A row of a joint table (summary/joint.ts) is a core or plugin x.y with its cells and
 * its `other` remainder; dropping some of its cells would break the row's exactness, the point of
 * the small-cell rule. So a row the group did not have before the day (none of its keys on an
 * earlier day of the year's chunk, none in last year's key list) enters whole or waits whole, at
 * most `max` new rows a group a day, the largest first; a row the group has already takes every
 * new cell the day brings.
 *
 * A real release therefore publishes its cells the first night: a new core x.y is one new row of
 * `core_postgresql` and one new column of each `plugin_core__<plugin>` (new cells of known rows),
 * a new plugin x.y one new row of its plugin's table. A flood of invented versions still mints at
 * most `max` rows a group a night, and each new cell of a known row needs at least K
 * (`SMALL_CELL_K`) installations behind it. Every group is capped, a new plugin's too, but on the
 * deployment's first summarized day; the joint cells count established installations only
 * (summary/rule.ts), so fakes must post for weeks before they count at all.
 */

import { jointRowOf } from "../summary/joint";
import type { Point } from "../summary/keys";

export function capNewRows(
  points: ReadonlyMap<string, number>,
  day: number,
  series: ReadonlyMap<string, Point[]>,
  previousKeys: ReadonlySet<string>,
  max: number,
): { points: ReadonlyMap<string, number>; dropped: string[] } {
  const knownRows = new Set<string>();
  for (const key of previousKeys) knownRows.add(jointRowOf(key));
  for (const [key, old] of series) if (old.some((p) => p[0] < day)) knownRows.add(jointRowOf(key));
  const fresh = new Map<string, number>();
  for (const [key, value] of points) {
    const row = jointRowOf(key);
    if (!knownRows.has(row)) fresh.set(row, (fresh.get(row) ?? 0) + value);
  }
  if (fresh.size <= max) return { points, dropped: [] };
  const waiting = new Set(
    [...fresh]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(max)
      .map(([row]) => row),
  );
  const kept = new Map<string, number>();
  const dropped: string[] = [];
  for (const [key, value] of points) {
    if (waiting.has(jointRowOf(key))) dropped.push(key);
    else kept.set(key, value);
  }
  return { points: kept, dropped };
}
