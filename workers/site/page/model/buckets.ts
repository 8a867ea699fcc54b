/** The latest day's bucket charts: installation age, and each RBAC measure. */
import type { RbacMeasure } from "@pulp-analytics/shared/checkin";
import type { PageData } from "@pulp-analytics/shared/store";
import { AGE_PREFIX, RBAC_PREFIX } from "@pulp-analytics/shared/summary";
import type { ChartModel } from "./charts";
import { family, indexOf, latest } from "./series";

/** Order of the power-of-two buckets `0`, `1`, `2`, `3-4`, `5-8`, … by their lower bound. */
const bucketStart = (bucket: string): number => Number.parseInt(bucket, 10);

/** Installations per bucket of one bucketed family (age, an RBAC measure), on the latest day. */
function bucketChart(page: PageData, prefix: string, name: string): ChartModel {
  const buckets = family(indexOf(page).recent.keys(), prefix).sort(
    (a, b) => bucketStart(a.label) - bucketStart(b.label),
  );
  return {
    labels: buckets.map((b) => b.label),
    datasets: [{ name, values: buckets.map((b) => latest(page, b.key)) }],
    keys: buckets.map((b) => b.key),
  };
}

export function ageChart(page: PageData): ChartModel {
  return bucketChart(page, AGE_PREFIX, "Installations");
}

export const RBAC_LABEL: Record<RbacMeasure, string> = {
  users: "Users",
  groups: "Groups",
  domains: "Domains",
  custom_roles: "Custom roles",
  custom_access_policies: "Customized access policies",
};

/** One chart per RBAC measure: installations by bucket of that count, on the latest day. */
export function rbacCharts(page: PageData): Array<{ measure: RbacMeasure; chart: ChartModel }> {
  return (Object.keys(RBAC_LABEL) as RbacMeasure[]).flatMap((measure) => {
    const chart = bucketChart(page, `${RBAC_PREFIX}${measure}__`, RBAC_LABEL[measure]);
    return chart.keys.length === 0 ? [] : [{ measure, chart }];
  });
}
