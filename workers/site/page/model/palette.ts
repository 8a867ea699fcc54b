/** The page's colors: one palette for every chart, and the inline styles the CSP allows. */

/**
 * The series colors of every chart, in order; "Other" is always {@link OTHER_COLOR}. Dark and
 * light in turn, so that neighbours (in order, and the last with the first) differ in
 * lightness by at least 2.4:1, and chosen from palettes made for colour-vision deficiencies
 * (Okabe–Ito, Tol): under simulated deuteranopia, protanopia and tritanopia every two
 * neighbours stay at least ΔE 39 apart (CIELAB; ~2.3 is a just noticeable difference).
 */
export const CHART_COLORS = [
  "#332288",
  "#e69f00",
  "#117733",
  "#f0e442",
  "#0072b2",
  "#ee99aa",
  "#882255",
  "#56b4e9",
] as const;
export const OTHER_COLOR = "#a0aec0";

/**
 * The inline style attributes frappe-charts writes (bar and dot fills in our colors, and its
 * tooltip's one style): the page's CSP allows exactly these, by hash, and no others
 * (workers/site/src/policy.ts).
 */
export const CHART_INLINE_STYLES: readonly string[] = [
  "display: block;",
  ...[...CHART_COLORS, OTHER_COLOR].map((color) => `fill: ${color}`),
];

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
 * year); a band that would take its neighbour's color takes the next one instead. "Other" is
 * {@link OTHER_COLOR}; a name without a number takes the color after its neighbour's.
 */
export function versionColors(names: readonly string[]): string[] {
  let previous = -1;
  return names.map((name) => {
    if (name === "Other") {
      previous = -1;
      return OTHER_COLOR;
    }
    const number = /(\d+)\D*$/.exec(name)?.[1];
    let index = number === undefined ? previous + 1 : Number(number) % CHART_COLORS.length;
    if (index % CHART_COLORS.length === previous) index += 1;
    previous = index % CHART_COLORS.length;
    return CHART_COLORS[previous] as string;
  });
}
