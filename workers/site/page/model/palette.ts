/** The page's colors: one palette for every chart, and the inline styles the CSP allows. */

/** The series colors of every chart, in order; "Other" is always {@link OTHER_COLOR}. */
export const CHART_COLORS = [
  "#2b6cb0",
  "#dd6b20",
  "#2f855a",
  "#805ad5",
  "#c53030",
  "#0987a0",
  "#b7791f",
  "#d53f8c",
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
