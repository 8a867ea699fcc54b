import { describe, expect, it } from "vitest";
import { type ChartModel, chartSummary, chartTable } from "../model";

const overTime: ChartModel = {
  labels: ["2026-12-01", "2026-12-02", "2026-12-03"],
  datasets: [
    { name: "All", values: [1200, 1250, 1300] },
    { name: "Persistent", values: [1000, 1100, 1150] },
  ],
  keys: [],
};
// Stacked bottom to top: Other, 3.77, 3.78.
const shares: ChartModel = {
  labels: ["2026-12-02", "2026-12-03"],
  datasets: [
    { name: "Other", values: [20, 0] },
    { name: "3.77", values: [50, 40.5] },
    { name: "3.78", values: [30, 59.5] },
  ],
  keys: [],
};
const buckets: ChartModel = {
  labels: ["0", "1", "2", "3-4"],
  datasets: [{ name: "Installations", values: [10, 0, 25, 5] }],
  keys: [],
};

describe("a chart in one sentence", () => {
  it("gives the latest point of each series, in the chart's order, and the span", () => {
    expect(chartSummary(overTime, "series", "Installations", "2026-12-03")).toBe(
      "Installations on 2026-12-03: All 1,300, Persistent 1,150 (3 points from 2026-12-01).",
    );
  });

  it("gives shares largest first, leaving out the empty ones", () => {
    expect(chartSummary(shares, "shares", "core", "2026-12-03")).toBe(
      "core on 2026-12-03: 3.78 59.5\u00a0%, 3.77 40.5\u00a0% (2 points from 2026-12-02).",
    );
  });

  it("gives the latest day's slices largest first, and the fullest bucket with its share", () => {
    const slices: ChartModel = {
      labels: ["Other", "15", "16"],
      datasets: [{ name: "Share (%)", values: [5, 35, 60] }],
      keys: [],
      other: ["9.5", "10"],
    };
    expect(chartSummary(slices, "slices", "PostgreSQL", "2026-12-03")).toBe(
      "PostgreSQL on 2026-12-03: 16 60\u00a0%, 15 35\u00a0%, Other (9.5, 10) 5\u00a0%.",
    );
    expect(chartTable(slices, "slices", "Major").rows[0]).toEqual(["Other (9.5, 10)", "5\u00a0%"]);
    // 40 installations, 25 of them (62.5 %) in bucket "2".
    expect(chartSummary(buckets, "buckets", "Age", "2026-12-03")).toBe(
      "Age on 2026-12-03: 40 installations; the most, 25 (62.5\u00a0%), in 2.",
    );
  });

  it("says when there is nothing", () => {
    const empty: ChartModel = { labels: [], datasets: [], keys: [] };
    expect(chartSummary(empty, "series", "Deployment", "2026-12-03")).toBe(
      "Deployment: nothing reported yet.",
    );
  });
});

describe("a chart as a table", () => {
  it("has a row per day, newest first, and a column per series", () => {
    expect(chartTable(overTime, "series", "Day")).toEqual({
      head: ["Day", "All", "Persistent"],
      rows: [
        ["2026-12-03", "1,300", "1,150"],
        ["2026-12-02", "1,250", "1,100"],
        ["2026-12-01", "1,200", "1,000"],
      ],
    });
  });

  it("puts a stack's columns top first, as its legend", () => {
    expect(chartTable(shares, "shares", "Day")).toEqual({
      head: ["Day", "3.78", "3.77", "Other"],
      rows: [
        ["2026-12-03", "59.5\u00a0%", "40.5\u00a0%", "0\u00a0%"],
        ["2026-12-02", "30\u00a0%", "50\u00a0%", "20\u00a0%"],
      ],
    });
  });

  it("has a row per bucket for the latest day's charts", () => {
    expect(chartTable(buckets, "buckets", "Days since first seen")).toEqual({
      head: ["Days since first seen", "Installations"],
      rows: [
        ["0", "10"],
        ["1", "0"],
        ["2", "25"],
        ["3-4", "5"],
      ],
    });
  });
});
