/**
 * PostgreSQL majors: their shares on the latest day and over the range, and which majors the
 * headline counts as supported.
 */
import type { PageData } from "@pulp-analytics/shared/store";
import { POSTGRESQL_PREFIX } from "@pulp-analytics/shared/summary";
import { shareChart } from "./bands";
import type { ChartModel } from "./charts";
import { CHART_COLORS } from "./palette";
import { barData, type ChartData } from "./ranges";
import { family, indexOf, latest, type Member } from "./series";
import { percent } from "./shares";
import { compareVersions } from "./versions";

/** Numeric order of PostgreSQL majors, with "unknown" last. */
const byMajor = (a: { label: string }, b: { label: string }): number =>
  Number(a.label === "unknown") - Number(b.label === "unknown") ||
  compareVersions(a.label, b.label);

/** The palette's size: majors beyond it repeat colors (never a neighbour's). */
const TOP_MAJORS = CHART_COLORS.length;

/** The fewest slices frappe-charts is told to draw before it merges its own "Rest". */
export const POSTGRESQL_LATEST_SLICES = TOP_MAJORS + 1;

/**
 * The share (percent) from which a major that is no longer supported gets a band of its own;
 * below it such majors add up to "Other", and the chart says which they are.
 */
export const MEANINGFUL_MAJOR_SHARE = 1;

/**
 * Whether a chart names `major` on its own: a supported major always (the newest, barely
 * adopted, is what a reader looks for), any other from {@link MEANINGFUL_MAJOR_SHARE}.
 */
const namedMajor = (major: string, share: number): boolean =>
  isSupportedPostgresql(major) || share >= MEANINGFUL_MAJOR_SHARE;

/**
 * Shares of the latest day: "Other" first (the majors it holds listed in `other`), then majors
 * in numeric order, "unknown" last.
 */
export function postgresqlLatestChart(page: PageData): ChartModel {
  const majors = family(indexOf(page).recent.keys(), POSTGRESQL_PREFIX)
    .filter((m) => latest(page, m.key) > 0)
    .sort(byMajor);
  const count = (group: readonly Member[]) => group.reduce((n, m) => n + latest(page, m.key), 0);
  const total = count(majors);
  const named = (m: Member) => namedMajor(m.label, (latest(page, m.key) / total) * 100);
  const shown = majors.filter(named);
  const rest = majors.filter((m) => !named(m));
  const slices = shown.map((m) => ({ label: m.label, installations: count([m]) }));
  if (rest.length > 0) slices.unshift({ label: "Other", installations: count(rest) });
  const chart: ChartModel = {
    labels: slices.map((s) => s.label),
    datasets: [{ name: "Share (%)", values: slices.map((s) => percent(s.installations, total)) }],
    keys: majors.map((m) => m.key),
  };
  return rest.length > 0 ? { ...chart, other: rest.map((m) => m.label) } : chart;
}

/**
 * PostgreSQL majors as stacked shares over the range: each named that is supported or reaches
 * {@link MEANINGFUL_MAJOR_SHARE} on some day of the range.
 */
export function postgresqlShareChart(data: ChartData): ChartModel {
  return shareChart(
    barData(data),
    family(data.series.keys(), POSTGRESQL_PREFIX),
    TOP_MAJORS,
    byMajor,
    (m, peak) => namedMajor(m.label, peak),
  );
}

/**
 * PostgreSQL majors counted as supported in the headline. A policy, to be updated as the
 * PostgreSQL project releases and retires majors (five years each,
 * https://www.postgresql.org/support/versioning/): these are its supported majors of late 2026
 * (14's last release is due in November 2026). A major newer than the newest listed here counts
 * as supported too: the project supports every major it has released since.
 */
export const SUPPORTED_POSTGRESQL: readonly string[] = ["14", "15", "16", "17", "18"];

/** Whether `major` (a `postgresql__<major>` label) is supported by {@link SUPPORTED_POSTGRESQL}. */
export function isSupportedPostgresql(major: string): boolean {
  if (!/^\d+(\.\d+)?$/.test(major)) return false;
  const newest = SUPPORTED_POSTGRESQL.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return SUPPORTED_POSTGRESQL.includes(major) || compareVersions(major, newest) > 0;
}

/** "PostgreSQL 14 or newer" (or the majors listed, when the policy is not a run of them). */
export function supportedPostgresqlLabel(): string {
  const sorted = [...SUPPORTED_POSTGRESQL].sort(compareVersions);
  const numbers = sorted.map(Number);
  const run = numbers.every((n, i) => i === 0 || n === (numbers[i - 1] as number) + 1);
  return run && sorted.length > 0
    ? `PostgreSQL ${sorted[0]} or newer`
    : `PostgreSQL ${sorted.join(", ")} or newer than ${sorted.at(-1)}`;
}
