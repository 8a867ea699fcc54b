/**
 * Every chart drawing goes through here: the only module that knows frappe-charts, and every
 * patch of its internals the page needs, in one place.
 *
 * 1. Labels and dataset names are HTML-escaped (frappe writes them with innerHTML).
 * 2. The first drawing (zeros of the data's size) is made with two points only.
 * 3. The redraw frappe makes 700 ms after creation (and after destroy()) is swallowed.
 * 4. A redraw from a window resize or a ResizeObserver report only happens for a new width.
 * 5. The x-axis labels are refitted after every drawing ({@link fitAxis}).
 * 6. The y-axis numbers get their unit ("%") after every drawing.
 * Updates always call frappe's own update, whatever an instance's `update` property says.
 */
import { Chart, type ChartOptions, type ChartData as FrappeData } from "frappe-charts";
import { type ChartModel, escapeHtml, fitAxis, longestLabel, translateX } from "../model";

/** How a chart is drawn: frappe's options, and whether its x-axis labels are refitted. */
export interface ChartSpec extends Omit<ChartOptions, "data" | "colors"> {
  /** Refit the x-axis labels of a time series after every drawing (patch 5). */
  fitLabels?: boolean;
  /** A unit written after each y-axis number ("%" on share charts; patch 6). */
  yUnit?: string;
}

/** A drawn chart: updated in place for a new range, or destroyed. */
export interface DrawnChart {
  update(chart: ChartModel): void;
  destroy(): void;
}

/** What frappe is handed: everything it writes with innerHTML escaped (patch 1). */
const frappeData = (chart: ChartModel): FrappeData => ({
  labels: chart.labels.map(escapeHtml),
  datasets: chart.datasets.map((d) => ({ name: escapeHtml(d.name), values: d.values })),
});

// frappe-charts' own methods, whatever a chart instance's own properties say (patches 3, 4).
const frappe = (instance: Chart): Chart => Object.getPrototypeOf(instance) as Chart;
const frappeUpdate = (instance: Chart, data: FrappeData) =>
  frappe(instance).update.call(instance, data);

/**
 * Draws `chart` into `canvas` (an empty element already in the page) in `colors`, with frappe's
 * own extra drawings skipped and, with `spec.fitLabels`, its x-axis labels kept fitted.
 */
export function drawChart(
  canvas: HTMLElement,
  chart: ChartModel,
  colors: string[],
  spec: ChartSpec,
): DrawnChart {
  const { fitLabels: fit, yUnit, ...options } = spec;
  const data = frappeData(chart);
  // Patch 2: frappe-charts first draws zeros of the data's size, then the data: constructed with
  // the first two points only (a line needs two), that first drawing costs next to nothing.
  const first = {
    ...data,
    labels: data.labels.slice(0, 2),
    datasets: data.datasets.map((d) => ({ ...d, values: d.values.slice(0, 2) })),
  };
  // Without animation frappe-charts never swaps its SVG while a resize redraws it (that throws).
  const instance = new Chart(canvas, {
    height: 220,
    colors,
    animate: 0,
    ...options,
    data: first,
  });
  // Patch 3: frappe-charts draws its data again 700 ms after creation (and after destroy()): the
  // page has drawn it already, so that one call is swallowed; the page updates through
  // frappeUpdate.
  instance.update = () => {
    instance.update = (d) => frappeUpdate(instance, d);
  };
  // Patch 4: frappe-charts redraws on every window resize and every ResizeObserver report,
  // including the one a ResizeObserver makes as it starts: that would draw every chart a second
  // time, all in one task. Only a new width is worth a redraw.
  let width = canvas.clientWidth;
  instance.draw = (onlyWidthChange = false, init = false) => {
    if (onlyWidthChange && canvas.clientWidth === width) return;
    width = canvas.clientWidth;
    frappe(instance).draw.call(instance, onlyWidthChange, init);
  };
  frappeUpdate(instance, data);
  const state = { labels: chart.labels, fit: fit === true, yUnit: yUnit ?? "" };
  const observer = fit || yUnit ? watchLabels(canvas, state) : null;
  return {
    update(next) {
      state.labels = next.labels;
      frappeUpdate(instance, frappeData(next));
    },
    destroy() {
      observer?.disconnect();
      instance.destroy();
    },
  };
}

// Patch 5: frappe-charts centers each x-axis label under its point and, for a series, labels
// every n-th point counting from the first: the last label then often hangs out of the chart's
// right edge (and the latest day is often unlabeled). After every drawing of a time-series
// chart the page labels every n-th point counting back from the latest instead (fitAxis).

/** The x offset of an SVG element in its svg, from the `translate(x, y)` of it and its groups. */
function offsetX(node: Node | null, svg: SVGSVGElement): number {
  const transforms: Array<string | null> = [];
  for (let at = node; at && at !== svg; at = at.parentNode) {
    transforms.push(at instanceof Element ? at.getAttribute("transform") : null);
  }
  return translateX(transforms);
}

/** Text widths in the font of an SVG text element, measured on a canvas (no layout). */
const measurer = document.createElement("canvas").getContext("2d");
function textWidth(text: string, sample: Element): number {
  if (!measurer) return 0;
  const style = getComputedStyle(sample);
  measurer.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return measurer.measureText(text).width;
}

// Reads no layout: positions come from frappe-charts' own transforms and the svg's width
// attribute, label widths from a canvas, so fitting 20 charts forces no 20 page layouts.
function fitLabels(canvas: HTMLElement, labels: readonly string[]): void {
  const svg = canvas.querySelector("svg");
  const texts = svg ? [...svg.querySelectorAll<SVGTextElement>(".x.axis text")] : [];
  const latest = texts.at(-1);
  if (!svg || !latest || texts.length !== labels.length) return;
  if (texts.every((t) => t.dataset.fit === "1")) return;
  const fit = fitAxis(
    labels,
    texts.map((text) => offsetX(text.parentNode, svg)),
    textWidth(longestLabel(labels), latest),
    Number(svg.getAttribute("width")),
  );
  texts.forEach((text, i) => {
    text.textContent = fit.texts[i] ?? "";
    text.dataset.fit = "1";
  });
  latest.removeAttribute("x");
  if (fit.latestX !== null) latest.setAttribute("x", String(fit.latestX));
}

// Patch 6: frappe-charts writes plain numbers on the y axis; a share chart's get their "%".
function unitLabels(canvas: HTMLElement, unit: string): void {
  for (const text of canvas.querySelectorAll<SVGTextElement>(".y.axis text")) {
    const value = text.textContent ?? "";
    if (value !== "" && !value.endsWith(unit)) text.textContent = `${value}${unit}`;
  }
}

interface Labels {
  labels: string[];
  fit: boolean;
  yUnit: string;
}

/** Keeps a chart's axis labels fitted through every redraw (resize, update, frappe's own). */
function watchLabels(canvas: HTMLElement, state: Labels): MutationObserver {
  const refit = () => {
    if (state.fit) fitLabels(canvas, state.labels);
    if (state.yUnit) unitLabels(canvas, state.yUnit);
  };
  const observer = new MutationObserver(refit);
  observer.observe(canvas, { childList: true, subtree: true });
  refit();
  return observer;
}
