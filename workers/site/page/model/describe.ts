/**
 * Each chart in words and in a table, for readers who cannot see it or use a mouse: a summary
 * sentence under the chart and the numbers it draws, for the range shown, as rows of text.
 */
import type { ChartModel } from "./charts";
import { count } from "./text";

/**
 * How a chart reads: `series` lines of counts over days, `shares` stacked percentages over
 * days, `buckets` counts of the latest day by bucket, `slices` percentages of the latest day,
 * `totals` counts summed over a range by category (upgrade paths).
 */
export type ChartKind = "series" | "shares" | "buckets" | "slices" | "totals";

const isShare = (kind: ChartKind) => kind === "shares" || kind === "slices";

/** A value as the chart's text writes it: `1,234`, `2.5`, or `17 %` for shares. */
const valueText = (kind: ChartKind, value: number) =>
  isShare(kind) ? `${count(value)}\u00a0%` : count(value);

/** A series' name in words: "Other" says what it holds, where the chart knows. */
export const seriesName = (chart: ChartModel, name: string): string =>
  name === "Other" && chart.other ? `Other (${chart.other.join(", ")})` : name;

/** The items (name, value), largest first, that are above 0; ties keep their order. */
function ranked(names: readonly string[], values: readonly number[]) {
  return names
    .map((name, i) => ({ name, value: values[i] ?? 0 }))
    .filter((item) => item.value > 0)
    .sort((a, b) => b.value - a.value);
}

/**
 * One sentence saying what a chart shows, `title` first: the latest point of each series (for
 * shares, largest first), or for the latest day's charts the largest slices or the fullest
 * bucket. `day` names the latest day of those (their labels are buckets, not days), or for
 * `totals` the range summed ("2026-09-07 to 2026-12-05").
 */
export function chartSummary(
  chart: ChartModel,
  kind: ChartKind,
  title: string,
  day: string,
): string {
  const last = chart.labels.length - 1;
  if (last < 0) return `${title}: nothing reported yet.`;
  if (kind === "series" || kind === "shares") {
    const on = chart.labels[last] as string;
    const names = chart.datasets.map((d) => seriesName(chart, d.name));
    const values = chart.datasets.map((d) => d.values[last] ?? 0);
    const items =
      kind === "shares"
        ? ranked(names, values)
        : names.map((name, i) => ({ name, value: values[i] ?? 0 }));
    const list = items.map((item) => `${item.name} ${valueText(kind, item.value)}`).join(", ");
    const span = last > 0 ? ` (${chart.labels.length} points from ${chart.labels[0]})` : "";
    return `${title} on ${on}: ${list || "none"}${span}.`;
  }
  const values = chart.datasets[0]?.values ?? [];
  const items = ranked(
    chart.labels.map((label) => seriesName(chart, label)),
    values,
  );
  if (kind === "slices") {
    const list = items.map((item) => `${item.name} ${valueText(kind, item.value)}`).join(", ");
    return `${title} on ${day}: ${list || "none"}.`;
  }
  const total = values.reduce((a, b) => a + b, 0);
  // A totals chart's first label is its largest category (its last may sum the rest).
  const top =
    kind === "totals"
      ? items.find((item) => item.name === seriesName(chart, chart.labels[0] ?? ""))
      : items[0];
  const on = kind === "totals" ? `, ${day}` : ` on ${day}`;
  if (!top) return `${title}${on}: none.`;
  const share = Math.round((top.value / total) * 1000) / 10;
  if (kind === "totals") {
    return `${title}${on}: ${count(total)} in all; the most, ${count(top.value)} (${share}\u00a0%), ${top.name}.`;
  }
  return `${title} on ${day}: ${count(total)} installations; the most, ${count(top.value)} (${share}\u00a0%), in ${top.name}.`;
}

/** A chart's numbers as a table of text: the head row, then one row per point. */
export interface ChartTable {
  head: string[];
  rows: string[][];
}

/**
 * The numbers a chart draws, as text: one row per day (newest first) and a column per series,
 * for the charts over time; one row per bucket or slice for the latest day's. A stacked chart's
 * columns go top of the stack first, as its legend does.
 */
export function chartTable(chart: ChartModel, kind: ChartKind, labelHead: string): ChartTable {
  if (kind === "buckets" || kind === "slices" || kind === "totals") {
    const dataset = chart.datasets[0];
    return {
      head: [labelHead, dataset?.name ?? ""],
      rows: chart.labels.map((label, i) => [
        seriesName(chart, label),
        valueText(kind, dataset?.values[i] ?? 0),
      ]),
    };
  }
  const datasets = kind === "shares" ? [...chart.datasets].reverse() : chart.datasets;
  const rows = chart.labels.map((label, i) => [
    label,
    ...datasets.map((d) => valueText(kind, d.values[i] ?? 0)),
  ]);
  return {
    head: [labelHead, ...datasets.map((d) => seriesName(chart, d.name))],
    rows: rows.reverse(),
  };
}
