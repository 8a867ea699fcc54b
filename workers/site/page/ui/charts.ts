/**
 * Charts in the page: each drawn into its place with its legend, or a plain "Nothing reported
 * yet."; a new time range updates a drawn chart in place rather than redrawing it. How each
 * kind of chart is drawn (line, stacked shares, latest-day bars) is said here once.
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

// Dots on a line only while there is room for them (the 30-day range).
const DOTS_UP_TO = 31;

/** Every drawn chart by name, with the kind and series it was drawn with. */
const drawn = new Map<string, { chart: DrawnChart; shape: string; text: ChartText }>();

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
  const current = drawn.get(name);
  if (current?.shape === shape && points > 0) {
    current.chart.update(chart);
    current.text.update(chart);
    return;
  }
  if (current) {
    current.chart.destroy();
    drawn.delete(name);
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
  drawn.set(name, { chart: drawChart(canvas, chart, colors, spec), shape, text });
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
