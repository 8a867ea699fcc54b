/**
 * Installation age and RBAC usage over the chosen range, as the Django page charted them: each
 * family's buckets as stacked shares per day, beside the latest day's bars (buckets.ts). The
 * shares are of the installations in the family that day: age over every installation of the
 * day, an RBAC measure over the persistent installations that reported RBAC (core 3.23 or newer).
 */
import type { RbacMeasure } from "@pulp-analytics/shared/checkin";
import { AGE_PREFIX, RBAC_PREFIX } from "@pulp-analytics/shared/summary";
import { shareChart } from "./bands";
import { RBAC_LABEL } from "./buckets";
import type { ChartModel } from "./charts";
import { CHART_COLORS } from "./palette";
import { barData, type ChartData } from "./ranges";
import { family, type Member } from "./series";

/** Buckets `0`, `1`, `2`, `3-4`, … by their lower bound. */
const byBucket = (a: Member, b: Member) =>
  Number.parseInt(a.label, 10) - Number.parseInt(b.label, 10);

const over = (data: ChartData, prefix: string): ChartModel =>
  shareChart(barData(data), family(data.series.keys(), prefix), CHART_COLORS.length, byBucket);

export const ageShareChart = (data: ChartData): ChartModel => over(data, AGE_PREFIX);

/** One stacked chart per RBAC measure with data in the range. */
export function rbacShareCharts(
  data: ChartData,
): Array<{ measure: RbacMeasure; chart: ChartModel }> {
  return (Object.keys(RBAC_LABEL) as RbacMeasure[]).flatMap((measure) => {
    const chart = over(data, `${RBAC_PREFIX}${measure}__`);
    return chart.keys.length === 0 ? [] : [{ measure, chart }];
  });
}
