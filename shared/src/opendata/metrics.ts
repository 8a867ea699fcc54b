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
  AGE_PREFIX,
  POSTGRESQL_PREFIX,
  PROCESS_KINDS,
  RBAC_PREFIX,
  VERSIONS_PREFIX,
} from "../summary/keys";
import { JOINT_RULES } from "./joint-metrics";

export const OPENMETRICS_CONTENT_TYPE =
  "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Every metric name starts with this. */
export const METRIC_PREFIX = "pulp_analytics_";

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

/**
 * `a__b__c` with `parts` = 2 → `["a", "b__c"]`, with 3 → `["a", "b", "c"]`: cut at the first
 * `__` until there are `parts`; null when a part would be empty.
 */
function splitRest(rest: string, parts: number): string[] | null {
  const out: string[] = [];
  let left = rest;
  while (out.length < parts - 1) {
    const cut = left.indexOf("__");
    if (cut <= 0) return null;
    out.push(left.slice(0, cut));
    left = left.slice(cut + 2);
  }
  if (left === "") return null;
  out.push(left);
  return out;
}

/**
 * How series keys become samples: a key starting with `prefix` belongs to `family`, and the rest
 * of it, split at the first `__` when there are two labels, gives the label values.
 */
interface KeyRule {
  prefix: string;
  family: string;
  labels: string[];
  help: string;
}

const PROCESS_HELP: Record<(typeof PROCESS_KINDS)[number], string> = {
  online_workers: "Online Pulp workers",
  online_content_apps: "Online content apps",
};

const RULES: KeyRule[] = [
  {
    prefix: "systems__",
    family: "systems",
    labels: ["kind"],
    help: "Installations that checked in on the latest summarized day (total), and those of them old enough to count as persistent",
  },
  {
    prefix: VERSIONS_PREFIX,
    family: "versions",
    labels: ["component", "version"],
    help: "Persistent installations by published component and x.y version on the latest summarized day",
  },
  {
    prefix: POSTGRESQL_PREFIX,
    family: "postgresql",
    labels: ["major"],
    help: "Persistent installations by PostgreSQL major version on the latest summarized day (unknown: not reported)",
  },
  ...PROCESS_KINDS.map(
    (kind): KeyRule => ({
      prefix: `${kind}__`,
      family: kind,
      labels: ["measure", "stat"],
      help: `${PROCESS_HELP[kind]} per persistent installation that reported them on the latest summarized day: processes or hosts, one sample per statistic`,
    }),
  ),
  {
    prefix: AGE_PREFIX,
    family: "age",
    labels: ["bucket"],
    help: "Installations by days since first seen on the latest summarized day, in buckets (0, 1, 2, 3-4, 5-8, ...)",
  },
  {
    prefix: RBAC_PREFIX,
    family: "rbac",
    labels: ["measure", "bucket"],
    help: "Persistent installations by how many RBAC objects of a kind they have, in buckets (0, 1, 2, 3-4, 5-8, ...)",
  },
  ...JOINT_RULES,
];

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
 * no family before the first summary.
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
    const rule = RULES.find((r) => key.startsWith(r.prefix));
    if (!rule) continue;
    const values = splitRest(key.slice(rule.prefix.length), rule.labels.length);
    if (!values) continue;
    const samples = byFamily.get(rule.family) ?? [];
    byFamily.set(rule.family, samples);
    samples.push({
      labels: rule.labels.map((name, i): [string, string] => [name, values[i] as string]),
      value,
    });
  }
  for (const rule of RULES) {
    const samples = byFamily.get(rule.family);
    if (!samples) continue;
    families.push({ name: rule.family, help: rule.help, samples: samples.sort(compareSamples) });
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
