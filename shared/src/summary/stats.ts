/**
 * Exact statistics of a distribution given as value → how many installations have it: what the
 * summary's running sums keep instead of value lists, so partial sums add up.
 */
import type { Stat } from "./keys";

export function roundMean(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Mean (2 decimals), min, max, median and 90th percentile of values given as value → how many
 * systems have it. Percentiles interpolate linearly between the closest ranks: at rank
 * h = (n − 1)·p, x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋+1 − x⌊h⌋), rounded to 2 decimals.
 */
export function distributionStats(values: ReadonlyMap<number, number>): Record<Stat, number> {
  const sorted = [...values].sort((a, b) => a[0] - b[0]);
  let n = 0;
  let sum = 0;
  for (const [value, count] of sorted) {
    n += count;
    sum += value * count;
  }
  /** The value at 0-based rank `rank` of the sorted systems. */
  const at = (rank: number): number => {
    let seen = 0;
    for (const [value, count] of sorted) {
      seen += count;
      if (rank < seen) return value;
    }
    return (sorted[sorted.length - 1] as [number, number])[0];
  };
  const percentile = (p: number) => {
    const h = (n - 1) * p;
    const low = at(Math.floor(h));
    return roundMean(low + (h - Math.floor(h)) * (at(Math.floor(h) + 1) - low));
  };
  return {
    mean: roundMean(sum / n),
    min: (sorted[0] as [number, number])[0],
    max: (sorted[sorted.length - 1] as [number, number])[0],
    p50: percentile(0.5),
    p90: percentile(0.9),
  };
}

/** The median (2 decimals) of a distribution as {@link distributionStats} reads it. */
export const median = (values: ReadonlyMap<number, number>): number =>
  distributionStats(values).p50;
