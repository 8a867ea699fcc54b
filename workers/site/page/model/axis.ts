/**
 * Which x-axis labels a drawn time-series chart shows. frappe-charts centers each label under
 * its point and, for a series, labels every n-th point counting from the first: the last label
 * then often hangs out of the chart's right edge (and the latest day is often unlabeled). The
 * page labels every n-th point counting back from the latest instead, n from the labels'
 * measured width, and moves the latest label left as far as it needs to stay inside the chart.
 * The UI measures (positions from frappe's transforms, widths on a canvas); this decides.
 */

/** The least room, in px, between two shown labels. */
export const LABEL_GAP = 12;

/** The label whose width sets the spacing: the longest (the first of them). */
export const longestLabel = (labels: readonly string[]): string =>
  labels.reduce((a, b) => (b.length > a.length ? b : a), "");

/**
 * The x offset an SVG element gets from the `transform`s of it and its groups up to its svg
 * (each `translate(x, y)` adds its x; anything else adds nothing).
 */
export function translateX(transforms: ReadonlyArray<string | null>): number {
  let x = 0;
  for (const transform of transforms) {
    const match = /translate\(\s*(-?[\d.]+)/.exec(transform ?? "");
    if (match) x += Number(match[1]);
  }
  return x;
}

export interface AxisFit {
  /** Each label's text: its label when shown, "" when not. */
  texts: string[];
  /** The latest label's `x` attribute (negative: moved left to stay inside), or null for none. */
  latestX: number | null;
}

/**
 * The labels to show, given each label's x in the svg (`positions`, one per label, in order),
 * the width of the longest label (`width`) and the svg's width (`right`): every `step`-th
 * counting back from the latest, `step` the fewest points that make room for a label, the gap
 * and the latest label's shift; the earliest shown is left out when it hangs out on the left.
 */
export function fitAxis(
  labels: readonly string[],
  positions: readonly number[],
  width: number,
  right: number,
): AxisFit {
  const last = labels.length - 1;
  const x = (i: number) => positions[i] ?? 0;
  const lastX = x(last);
  const slot = last > 0 ? (lastX - x(0)) / last : width;
  const shift = Math.max(0, lastX + width / 2 - (right - 1));
  const step = Math.max(1, Math.ceil((width + LABEL_GAP + shift) / Math.max(slot, 0.01)));
  const texts = labels.map((label, i) => ((last - i) % step === 0 ? label : ""));
  const firstShown = last % step;
  if (firstShown !== last && x(firstShown) - width / 2 < 1) texts[firstShown] = "";
  return { texts, latestX: shift > 0 ? -shift : null };
}
