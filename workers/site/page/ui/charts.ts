/**
 * Charts in the page: each placed with its legend, summary sentence and table fold at once, its
 * drawing (frappe-charts' SVG) made only when it comes near the window, or before printing; or
 * a plain "Nothing reported yet.". A new time range updates a drawn chart in place rather than
 * redrawing it, and a chart not drawn yet keeps only the newest range's model, drawn when seen.
 * How each kind of chart is drawn (line, stacked shares, latest-day bars) is said here once.
 */
import {
  type ChartKind,
  type ChartModel,
  chartSummary,
  chartTable,
  drawnPoints,
  seriesColors,
  seriesName,
  versionColors,
} from "../model";
import { el, noData, scrollBox } from "./dom";
import { type ChartSpec, type DrawnChart, drawChart } from "./frappe";
import { nextTask } from "./tasks";

// Dots on a line only while there is room for them (the 30-day range).
const DOTS_UP_TO = 31;

// frappe-charts' own height when a spec does not say (ui/frappe.ts).
const DEFAULT_HEIGHT = 220;

/** A chart placed but not drawn yet: what to draw, with the newest range's model. */
interface Pending {
  canvas: HTMLElement;
  chart: ChartModel;
  colors: string[];
  spec: ChartSpec;
}

/**
 * Every placed chart by name, with the kind and series it was placed with: its drawing once it
 * has one, or what to draw when it comes into view.
 */
const placed = new Map<
  string,
  { shape: string; text: ChartText; drawing?: DrawnChart; pending?: Pending }
>();

/** Charts seen but not drawn yet, drawn one slice of work at a time. */
const queue: string[] = [];
let draining = false;

/** Told whether every placed chart is drawn, whenever that changes (the page marks it). */
let told: (all: boolean) => void = () => {};

/** Draws the placed chart `name` now, if it is still waiting. */
function drawNow(name: string): void {
  const entry = placed.get(name);
  const pending = entry?.pending;
  if (!entry || !pending) return;
  observer?.unobserve(pending.canvas);
  entry.pending = undefined;
  pending.canvas.style.minHeight = "";
  entry.drawing = drawChart(pending.canvas, pending.chart, pending.colors, pending.spec);
  if (undrawnCount() === 0) told(true);
}

function undrawnCount(): number {
  let count = 0;
  for (const entry of placed.values()) if (entry.pending) count++;
  return count;
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      await nextTask();
      drawNow(name);
    }
  } finally {
    draining = false;
  }
}

// A chart is drawn half a window before it scrolls into view, so a reader scrolling at an
// ordinary pace never sees an empty place; what is far below costs nothing at load.
const observer =
  typeof IntersectionObserver === "undefined"
    ? null
    : new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            const name = (entry.target as HTMLElement).dataset.name;
            if (entry.isIntersecting && name && !queue.includes(name)) queue.push(name);
          }
          drain();
        },
        { rootMargin: "50% 0px" },
      );

/** Draws every chart not drawn yet, at once: before printing, a print shows every chart. */
export function drawEveryChart(): void {
  for (const [name, entry] of placed) if (entry.pending) drawNow(name);
  queue.length = 0;
}

/** `tell` is told now, and again whenever it changes, whether every placed chart is drawn. */
export function watchDrawing(tell: (all: boolean) => void): void {
  told = tell;
  tell(undrawnCount() === 0);
}

/** What a chart is in words: its title, how it reads, the latest day, its label column. */
export interface Described {
  kind: ChartKind;
  title: string;
  /** The latest day, for the latest day's charts (their labels are buckets). */
  day: string;
  /** The head of the table's first column ("Day", "Days since first seen", …). */
  labelHead: string;
}

/** A chart's text: its summary sentence and its table fold (built when opened). */
interface ChartText {
  update(chart: ChartModel): void;
}

function chartText(target: HTMLElement, chart: ChartModel, about: Described): ChartText {
  const summary = el("p", { className: "summary" });
  const body = el("div");
  const fold = el("details", { className: "numbers" }, [
    el("summary", { textContent: `Table of the numbers: ${about.title}` }),
    body,
  ]);
  let current = chart;
  const fill = () => {
    const table = chartTable(current, about.kind, about.labelHead);
    body.replaceChildren(
      scrollBox(
        `${about.title}, numbers`,
        el("table", {}, [
          el("thead", {}, [
            el(
              "tr",
              {},
              table.head.map((t) => el("th", { scope: "col", textContent: t })),
            ),
          ]),
          el(
            "tbody",
            {},
            table.rows.map(([label, ...cells]) =>
              el("tr", {}, [
                el("th", { scope: "row", textContent: label }),
                ...cells.map((c) => el("td", { textContent: c })),
              ]),
            ),
          ),
        ]),
      ),
    );
  };
  // Built when opened, and again for a new range only while open: folded, a table costs nothing.
  fold.addEventListener("toggle", () => {
    if (fold.open) fill();
    else body.replaceChildren();
  });
  const update = (next: ChartModel) => {
    current = next;
    summary.textContent = chartSummary(next, about.kind, about.title, about.day);
    if (fold.open) fill();
  };
  update(chart);
  target.append(summary, fold);
  return { update };
}

/** The legend as HTML (it wraps on a phone, unlike frappe-charts' own, which truncates). */
function legend(entries: ReadonlyArray<{ name: string; color: string }>): HTMLUListElement {
  return el(
    "ul",
    { className: "legend" },
    entries.map(({ name, color }) => {
      const swatch = el("span", { className: "swatch" });
      swatch.style.borderColor = color;
      return el("li", {}, [swatch, name]);
    }),
  );
}

/**
 * Draws `chart` into `target` (named `name` for tests and assistive tech), or says plainly that
 * there is nothing to draw.
 */
export function draw(
  target: HTMLElement,
  name: string,
  chart: ChartModel,
  spec: ChartSpec,
  about: Described,
): void {
  const points = drawnPoints(chart);
  const shape = `${spec.type}/${chart.datasets.map((d) => d.name).join("|")}`;
  const current = placed.get(name);
  if (current?.shape === shape && points > 0) {
    // Drawn: updated in place. Not drawn yet: it will be drawn with this range when seen.
    if (current.drawing) current.drawing.update(chart);
    else if (current.pending) current.pending.chart = chart;
    current.text.update(chart);
    return;
  }
  if (current) {
    current.drawing?.destroy();
    if (current.pending) observer?.unobserve(current.pending.canvas);
    placed.delete(name);
  }
  target.replaceChildren();
  // A figure named by its title: the drawing is hidden from assistive technology, which reads
  // the summary sentence and the table of the numbers instead.
  target.setAttribute("role", "figure");
  target.setAttribute("aria-label", about.title);
  if (chart.labels.length === 0 || points === 0) {
    target.append(noData());
    return;
  }
  // A percentage chart colors its slices (labels), the others their datasets; versions and
  // majors keep their color from range to range.
  const names = spec.type === "percentage" ? chart.labels : chart.datasets.map((d) => d.name);
  const shares = about.kind === "shares" || about.kind === "slices";
  const colors = shares ? versionColors(names) : seriesColors(names);
  const canvas = el("div", { className: "frappe" });
  canvas.dataset.name = name;
  canvas.setAttribute("aria-hidden", "true");
  target.append(canvas);
  if (spec.type === "percentage") {
    const slices = chart.datasets[0]?.values ?? [];
    target.append(
      legend(
        chart.labels.map((label, i) => ({
          name: `${seriesName(chart, label)}: ${slices[i]}%`,
          color: colors[i] ?? "",
        })),
      ),
    );
  } else if (chart.datasets.length > 1) {
    // Stacked, the first dataset is at the bottom: the legend reads top-down like the stack.
    const entries = chart.datasets.map((d, i) => ({
      name: seriesName(chart, d.name),
      color: colors[i] ?? "",
    }));
    if (spec.barOptions?.stacked) entries.reverse();
    target.append(legend(entries));
  }
  const text = chartText(target, chart, about);
  if (!observer) {
    placed.set(name, { shape, text, drawing: drawChart(canvas, chart, colors, spec) });
    return;
  }
  // The drawing's height kept from the start: nothing moves when it is drawn.
  canvas.style.minHeight = `${spec.height ?? DEFAULT_HEIGHT}px`;
  placed.set(name, { shape, text, pending: { canvas, chart, colors, spec } });
  told(false);
  observer.observe(canvas);
}

// frappe-charts cannot draw a line through a single point (the first summarized day): bars then.
// By the chart's own days: a share chart leaves out days without any report.
export const timeLine = (chart: ChartModel): ChartSpec => ({
  type: chart.labels.length > 1 ? "line" : "bar",
  axisOptions: { xIsSeries: true, xAxisMode: "tick", shortenYAxisNumbers: true },
  lineOptions: { hideDots: chart.labels.length > DOTS_UP_TO ? 1 : 0, dotSize: 3 },
  tooltipOptions: { formatTooltipY: (v) => v },
  fitLabels: true,
});

// Shares as stacked bars: each day's bar is 100 %, each x.y a band of it, which is how release
// adoption reads (one version's rise is the others' fall), and hovering a bar lists every
// band's own share. Bars, not cumulative lines: a line chart's tooltip would show the running
// totals, and its filled regions overlap rather than stack.
export const stackedShares = (chart: ChartModel): ChartSpec => ({
  type: "bar",
  barOptions: { stacked: true, spaceRatio: chart.labels.length > DOTS_UP_TO ? 0.05 : 0.2 },
  axisOptions: { xIsSeries: true, xAxisMode: "tick" },
  tooltipOptions: { formatTooltipY: (v) => `${v}%` },
  fitLabels: true,
  yUnit: "%",
});

// Bucket labels ("0", "3-4", … "1025-2048") are longer than a bar is wide on a phone, and
// frappe-charts would overlap them or cut them to "...". As a series it labels every n-th bar
// instead, n from the longest label at a generous 7 px a character (its 10 px digits are about
// 6), so shown labels never touch; every bar stays (merging the tail would hide, say, how many
// installations are over a year old) and its tooltip names its whole bucket.
export const latestBars: ChartSpec = {
  type: "bar",
  axisOptions: { xAxisMode: "tick", xIsSeries: true },
  barOptions: { spaceRatio: 0.3 },
};
