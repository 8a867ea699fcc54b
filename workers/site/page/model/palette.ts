/**
 * The page's colors: which series or band gets which of the chart colors. The colors themselves,
 * and the inline styles the site's CSP allows for them, are in shared/src/config/chart-colors.ts.
 */
import { CHART_COLORS, OTHER_COLOR } from "@pulp-analytics/shared/config";

export { CHART_COLORS, CHART_INLINE_STYLES, OTHER_COLOR } from "@pulp-analytics/shared/config";

/**
 * The color of each series (or slice) of a chart, by name in drawing order: "Other" in
 * {@link OTHER_COLOR}, the others through {@link CHART_COLORS} in turn.
 */
export function seriesColors(names: readonly string[]): string[] {
  let next = 0;
  return names.map((name) =>
    name === "Other" ? OTHER_COLOR : (CHART_COLORS[next++ % CHART_COLORS.length] as string),
  );
}

/**
 * The colors of a version chart's bands (or slices), by name in drawing order: each x.y (or
 * band "3.21–3.28", or PostgreSQL major) by the last number in its name, so that a release
 * keeps its color whichever range is shown ("3.78" is the same color in 30 days and in a
 * year). Assigned from the last (the newest, top of the stack) down: a band whose color is
 * taken already in the chart, or would equal its neighbour's, takes the next free one (with
 * more bands than colors, only the neighbour's is avoided). "Other" is {@link OTHER_COLOR};
 * a name without a number starts from the color after its neighbour's.
 */
export function versionColors(names: readonly string[]): string[] {
  const size = CHART_COLORS.length;
  const named = names.filter((name) => name !== "Other").length;
  const used = new Set<number>();
  const out: string[] = new Array(names.length);
  let neighbour = -1;
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i] as string;
    if (name === "Other") {
      out[i] = OTHER_COLOR;
      neighbour = -1;
      continue;
    }
    const number = /(\d+)\D*$/.exec(name)?.[1];
    let index = number === undefined ? (neighbour + 1) % size : Number(number) % size;
    const taken = (c: number) => c === neighbour || (named <= size && used.has(c));
    for (let step = 0; step < size && taken(index); step++) index = (index + 1) % size;
    used.add(index);
    neighbour = index;
    out[i] = CHART_COLORS[index] as string;
  }
  return out;
}
