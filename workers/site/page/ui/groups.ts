/**
 * The groups the page data leaves out, a year at a time, each year once (a failed one is fetched
 * again next time): joint groups from `/api/v1/joint/<group>/<YYYY>` (the planner, the upgrade
 * paths) and movement groups from `/api/v1/movement/<group>/<YYYY>` ("Upgrades"), one KV read
 * each behind the edge cache.
 */
import type { SeriesBlock } from "@pulp-analytics/shared/store";
import { jointSeries } from "../model";

const blocks = new Map<string, Promise<SeriesBlock | null>>();

/** One group's year, once; a year the route does not have is null (nothing to count). */
function groupYear(
  route: "joint" | "movement",
  group: string,
  year: number,
): Promise<SeriesBlock | null> {
  const path = `/api/v1/${route}/${group}/${year}`;
  let pending = blocks.get(path);
  if (!pending) {
    pending = fetch(path).then(async (response) => {
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as SeriesBlock;
    });
    pending.catch(() => blocks.delete(path));
    blocks.set(path, pending);
  }
  return pending;
}

/** The years of one group as one series map. */
export async function groupSeries(
  route: "joint" | "movement",
  group: string,
  years: readonly number[],
) {
  const found = await Promise.all(years.map((year) => groupYear(route, group, year)));
  return jointSeries(found.filter((b): b is SeriesBlock => b !== null));
}
