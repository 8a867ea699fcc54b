/**
 * The chart colors, which both the page (workers/site/page/model/palette.ts) and the site's CSP
 * (workers/site/src/policy.ts) need: the page draws in them, the CSP allows exactly the inline
 * styles they make. Here, so that the worker imports no browser code.
 */

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
