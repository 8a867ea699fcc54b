import { describe, expect, it } from "vitest";
import { ageChart, rbacCharts } from "../model";
import { page } from "./fixtures";

describe("bucket charts", () => {
  it("orders age and RBAC buckets by their lower bound", () => {
    const age = ageChart(page);
    expect(age.labels).toEqual(["0", "3-4", "17-32"]);
    expect(age.datasets[0]?.values).toEqual([2, 1, 2]);
    // `rbac__custom_roles__*` must not be read as a measure "custom" of bucket "roles__0".
    const rbac = rbacCharts(page).map(({ measure, chart }) => [
      measure,
      chart.labels,
      chart.datasets,
    ]);
    expect(rbac).toEqual([
      ["users", ["0", "2"], [{ name: "Users", values: [2, 1] }]],
      ["custom_roles", ["0"], [{ name: "Custom roles", values: [3] }]],
    ]);
  });
});
