/**
 * The compact form of many series over one period, used wherever SUMMARY holds or the site sends
 * history in bulk (year chunks, weekly history, the page's recent days).
 *
 * A series is a flat number array `[offset₀, value₀, gap₁, value₁, gap₂, value₂, …]`: `offset₀`
 * is the first point's day counted from the block's `start` (00:00 UTC), each `gap` the days
 * since the previous point. Daily history is then mostly `1,v,1,v,…` and weekly `7,v,7,v,…`:
 * a few characters a point instead of the twenty of `[epochMillis,value]`, and it compresses
 * well. Pure and dependency-free: the browser bundle uses it too.
 */

import { DAY_MS } from "../config/names";
import type { Point } from "../summary/keys";

export type Packed = number[];

export interface SeriesBlock {
  /** 00:00 UTC of day 0 of the block. */
  start: number;
  /** Series key → packed points, oldest first. */
  series: Record<string, Packed>;
}

/** `points` (oldest first, at most one a day, none before `start`) packed against `start`. */
export function pack(points: readonly Point[], start: number): Packed {
  const packed: Packed = [];
  // The first gap counts from `start`, so it is the first point's offset.
  let previous = start;
  for (const [day, value] of points) {
    packed.push(Math.round((day - previous) / DAY_MS), value);
    previous = day;
  }
  return packed;
}

export function unpack(packed: readonly number[], start: number): Point[] {
  const points: Point[] = [];
  let day = start;
  for (let i = 0; i + 1 < packed.length; i += 2) {
    day += (packed[i] as number) * DAY_MS;
    points.push([day, packed[i + 1] as number]);
  }
  return points;
}

export function packBlock(
  series: Iterable<[string, readonly Point[]]>,
  start: number,
): SeriesBlock {
  const packed: Record<string, Packed> = {};
  for (const [key, points] of series) if (points.length > 0) packed[key] = pack(points, start);
  return { start, series: packed };
}

export function unpackBlock(block: SeriesBlock): Map<string, Point[]> {
  const series = new Map<string, Point[]>();
  for (const [key, packed] of Object.entries(block.series)) {
    series.set(key, unpack(packed, block.start));
  }
  return series;
}
