/** Parts of a whole in percent, as every table and chart of the page shows them. */

/** `part` in percent of `whole`, one decimal; 0 of nothing. */
export const percent = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;

/**
 * `parts` as percentages of their sum in tenths, rounded so that they add up to exactly 100
 * (largest remainder): stacked, they fill the chart to its top and never past it.
 */
export function shares(parts: readonly number[]): number[] {
  const whole = parts.reduce((a, b) => a + b, 0);
  if (whole <= 0) return parts.map(() => 0);
  const exact = parts.map((part) => (part / whole) * 1000);
  const tenths = exact.map(Math.floor);
  let left = 1000 - tenths.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, i) => ({ i, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    tenths[i] = (tenths[i] as number) + 1;
    left--;
  }
  return tenths.map((t) => t / 10);
}
