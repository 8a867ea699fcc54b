/**
 * What a chart draws (labels, named series of values, and the series keys behind it for its
 * data links), and the time-series charts of plain counts: installations and deployment size.
 */
import {
  PROCESS_KINDS,
  PROCESS_MEASURES,
  type ProcessKind,
  type ProcessMeasure,
  processKey,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
} from "@pulp-analytics/shared/summary";
import type { ChartData } from "./ranges";
import { labelsOf, valuesOn } from "./series";

interface Dataset {
  name: string;
  values: number[];
}

export interface ChartModel {
  labels: string[];
  datasets: Dataset[];
  /** The series the chart is drawn from, for its data links. */
  keys: string[];
  /** What its "Other" holds (labels), where it has one and says so. */
  other?: string[];
}

/**
 * How many of a chart's values are above 0, over all its datasets: with none there is nothing
 * to draw (the page says so instead).
 */
export const drawnPoints = (chart: ChartModel): number =>
  chart.datasets.reduce((n, d) => n + d.values.filter((v) => v > 0).length, 0);

export function installationsChart(data: ChartData): ChartModel {
  return {
    labels: labelsOf(data.days),
    datasets: [
      { name: "All", values: valuesOn(data.series.get(SYSTEMS_TOTAL), data.days) },
      { name: "Persistent", values: valuesOn(data.series.get(SYSTEMS_PERSISTENT), data.days) },
    ],
    keys: [SYSTEMS_TOTAL, SYSTEMS_PERSISTENT],
  };
}

const KIND_LABEL: Record<ProcessKind, string> = {
  online_workers: "Workers",
  online_content_apps: "Content apps",
};
const MEASURE_LABEL: Record<ProcessMeasure, string> = { processes: "processes", hosts: "hosts" };

export function deploymentChart(data: ChartData): ChartModel {
  const keys = PROCESS_KINDS.flatMap((kind) =>
    PROCESS_MEASURES.map((measure) => ({ kind, measure, key: processKey(kind, measure, "mean") })),
  );
  return {
    labels: labelsOf(data.days),
    datasets: keys.map(({ kind, measure, key }) => ({
      name: `${KIND_LABEL[kind]} (${MEASURE_LABEL[measure]})`,
      values: valuesOn(data.series.get(key), data.days),
    })),
    keys: keys.map(({ key }) => key),
  };
}
