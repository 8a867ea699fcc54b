/**
 * `GET /metrics` (docs/contract.md#4-public-read-api): the latest summarized day as OpenMetrics text, for Prometheus and
 * Grafana. Everything comes from the page data (`_page`), so the route costs one KV read: every
 * series but the exact versions has its recent days there, and the latest day is `asOf`.
 *
 * Every metric is a gauge whose labels are the parts of the series key, e.g. `systems__total` →
 * `pulp_analytics_systems{kind="total"}`, `versions__core__3.49` →
 * `pulp_analytics_versions{component="core",version="3.49"}`. A series without a point on the
 * latest day has no sample (it counted nobody that day). Exact versions (`versions_xyz__*`) are
 * left out: they are the most numerous series and x.y is what a dashboard groups by.
 * Pure and dependency-free beyond the page data; unit-tested in Node and against Python's
 * prometheus_client parser (scripts/test/openmetrics.test.ts).
 */

import { type PageData, recentSeries } from "../store/views";
import {
  FAMILIES,
  familyOf,
  keyParts,
  METRIC_PREFIX,
  type SeriesFamily,
  splitParts,
} from "./dictionary";

export const OPENMETRICS_CONTENT_TYPE =
  "application/openmetrics-text; version=1.0.0; charset=utf-8";

export { METRIC_PREFIX };

interface MetricSample {
  labels: [name: string, value: string][];
  value: number;
}

export interface MetricFamily {
  /** Without {@link METRIC_PREFIX}. */
  name: string;
  help: string;
  /** OpenMetrics unit; the name must then end in `_<unit>`. */
  unit?: string;
  samples: MetricSample[];
}

type Exported = SeriesFamily & { metric: NonNullable<SeriesFamily["metric"]> };

/** The metric names in dictionary order, each with the dictionary families exported in it. */
const METRICS = new Map<string, Exported[]>();
for (const family of FAMILIES) {
  if (!family.metric) continue;
  const shared = METRICS.get(family.metric.name) ?? [];
  METRICS.set(family.metric.name, shared);
  shared.push(family as Exported);
}

const POPULATION = {
  all: "all installations",
  persistent: "persistent installations",
  established: "established installations: on 7 of the last 14 days",
};

/**
 * The label values of a key in its metric: the parts after `<metric>__`, cut at the first `__`
 * until there are as many as labels (`versions__core__3.49` → `core`, `3.49`); null when a part
 * is empty.
 */
function labelValues(family: Exported, key: string): string[] | null {
  return splitParts(key.slice(family.metric.name.length + 2), family.metric.labels.length);
}

/** HELP: what the dictionary says the families count, on the latest summarized day. */
function helpOf(families: readonly Exported[]): string {
  const what = families.map((f) => `${f.counts} (${POPULATION[f.population]})`);
  if (families.length > 1) {
    // Families sharing a metric differ by their first label: name each by its value.
    for (const [i, f] of families.entries()) {
      what[i] = `${f.metric.labels[0]}=${labelValues(f, f.pattern)?.[0] ?? f.id}: ${what[i]}`;
    }
  }
  return `${what.join("; ")}; on the latest summarized day`;
}

/** Digit runs compared as numbers, so `3.9` < `3.10` and `9-16` < `17-32`. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function compareSamples(a: MetricSample, b: MetricSample): number {
  for (let i = 0; i < Math.min(a.labels.length, b.labels.length); i++) {
    const order = naturalCompare(a.labels[i]?.[1] ?? "", b.labels[i]?.[1] ?? "");
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * The families of the latest summarized day, in a fixed order, samples sorted by label values;
 * no family before the first summary. `joint`: the joint series' values on that day, which are
 * not in the page data (the route reads them from their chunks).
 */
export function metricFamilies(
  page: PageData,
  joint: ReadonlyMap<string, number> = new Map(),
): MetricFamily[] {
  if (page.asOf === null) return [];
  const asOf = page.asOf;
  const families: MetricFamily[] = [
    {
      name: "summary_day_seconds",
      help: "The latest summarized day (00:00 UTC) as Unix time: every other sample is that day's value",
      unit: "seconds",
      samples: [{ labels: [], value: asOf / 1000 }],
    },
    {
      name: "summary_generated_seconds",
      help: "When the summarizer wrote the summary, as Unix time",
      unit: "seconds",
      samples: [{ labels: [], value: page.generatedAt / 1000 }],
    },
  ];
  const byFamily = new Map<string, MetricSample[]>();
  const latest: Array<[string, number]> = [...joint];
  for (const [key, points] of recentSeries(page)) {
    const last = points[points.length - 1];
    if (last && last[0] === asOf) latest.push([key, last[1]]);
  }
  for (const [key, value] of latest) {
    const family = familyOf(key);
    if (!family?.metric || keyParts(family, key) === null) continue;
    const values = labelValues(family as Exported, key);
    if (!values) continue;
    const samples = byFamily.get(family.metric.name) ?? [];
    byFamily.set(family.metric.name, samples);
    samples.push({
      labels: family.metric.labels.map((name, i): [string, string] => [name, values[i] as string]),
      value,
    });
  }
  for (const [name, exported] of METRICS) {
    const samples = byFamily.get(name);
    if (!samples) continue;
    families.push({ name, help: helpOf(exported), samples: samples.sort(compareSamples) });
  }
  return families;
}

/**
 * A label value in OpenMetrics: backslash, double quote and line feed escaped. HELP text is
 * escaped the same way (OpenMetrics 1.0, "escaped-string").
 */
export function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** A sample value: JavaScript's shortest round-trip form, which OpenMetrics accepts. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** The families as an OpenMetrics exposition, ending with `# EOF`. */
export function formatOpenMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    const name = `${METRIC_PREFIX}${family.name}`;
    lines.push(`# TYPE ${name} gauge`);
    if (family.unit) lines.push(`# UNIT ${name} ${family.unit}`);
    lines.push(`# HELP ${name} ${escapeLabelValue(family.help)}`);
    for (const sample of family.samples) {
      const labels = sample.labels.map(([label, value]) => `${label}="${escapeLabelValue(value)}"`);
      const set = labels.length > 0 ? `{${labels.join(",")}}` : "";
      lines.push(`${name}${set} ${formatValue(sample.value)}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

/** `GET /metrics`: the page data's latest day, or only `# EOF` before the first summary. */
export function openMetrics(page: PageData, joint?: ReadonlyMap<string, number>): string {
  return formatOpenMetrics(metricFamilies(page, joint));
}
