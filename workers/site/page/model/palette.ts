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
