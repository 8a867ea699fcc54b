import type { Point } from "@pulp-analytics/shared/summary";
import { describe, expect, it } from "vitest";
import { ageShareChart, type ChartData, rbacShareCharts } from "../model";
import { day } from "./fixtures";

const d1 = day("2026-11-23");
const d2 = day("2026-11-24");

const data = (series: Record<string, Point[]>): ChartData => ({
  asOf: d2,
  days: [d1, d2],
  series: new Map(Object.entries(series)),
  resolution: "day",
});

describe("age and RBAC over time", () => {
  it("stacks each day's age buckets to 100 %, buckets in order", () => {
    // d1: 1 of 4 is new, 3 are a day old; d2: 3 of 4 new, 1 a day old; 5-8 on d2 only.
    const chart = ageShareChart(
      data({
        age__1: [
          [d1, 3],
          [d2, 1],
        ],
        age__0: [
          [d1, 1],
          [d2, 3],
        ],
        "age__5-8": [[d2, 4]],
      }),
    );
    expect(chart.labels).toEqual(["2026-11-23", "2026-11-24"]);
    expect(chart.datasets.map((d) => [d.name, d.values])).toEqual([
      ["0", [25, 37.5]],
      ["1", [75, 12.5]],
      ["5-8", [0, 50]],
    ]);
  });

  it("draws one chart per RBAC measure that has data", () => {
    const charts = rbacShareCharts(
      data({
        rbac__users__0: [[d2, 1]],
        "rbac__users__3-4": [[d2, 3]],
        rbac__domains__0: [
          [d1, 2],
          [d2, 2],
        ],
      }),
    );
    expect(charts.map((c) => c.measure)).toEqual(["users", "domains"]);
    // Users: nothing reported on d1, so only d2 has a bar: 1 of 4 with none, 3 with 3-4.
    expect(charts[0]?.chart.labels).toEqual(["2026-11-24"]);
    expect(charts[0]?.chart.datasets.map((d) => [d.name, d.values])).toEqual([
      ["0", [25]],
      ["3-4", [75]],
    ]);
    expect(charts[1]?.chart.datasets.map((d) => d.values)).toEqual([[100, 100]]);
  });
});
