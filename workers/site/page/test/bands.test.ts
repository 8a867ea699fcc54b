import { DAY_MS } from "@pulp-analytics/shared/config";
import { describe, expect, it } from "vitest";
import { bands, resolutionNote, shares, TOP_VERSIONS, versionShareChart } from "../model";
import { D1, D2, daily, page, pageOf } from "./fixtures";

describe("version share charts", () => {
  it("gives x.y shares that add up to 100 each day, in natural version order", () => {
    expect(shares([1, 2])).toEqual([33.3, 66.7]);
    expect(shares([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
    expect(shares([0, 0])).toEqual([0, 0]);
    const chart = versionShareChart(daily(page), "core");
    expect(chart.datasets).toEqual([
      { name: "3.9", values: [100, 33.3] },
      { name: "3.10", values: [0, 66.7] },
    ]);
    expect(chart.keys).toEqual(["versions__core__3.9", "versions__core__3.10"]);
  });

  it("cuts weights into runs of consecutive items of about equal weight", () => {
    // 20 in 3: 5+1+1 = 7 is nearer 20/3 than 8; then 1+1+1 = 3 is nearer 13/2 than 13.
    expect(bands([5, 1, 1, 1, 1, 1, 10], 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(bands([1, 1, 1], 8)).toEqual([[0], [1], [2]]);
    expect(bands([], 8)).toEqual([]);
  });

  it("shows every version of the range while they fit, even one gone by the latest day", async () => {
    const chart = versionShareChart(
      daily(
        await pageOf([
          [
            "systems__total",
            [
              [D1, 10],
              [D2, 9],
            ],
          ],
          ["versions__core__3.1", [[D1, 10]]],
          ["versions__core__3.2", [[D2, 3]]],
          ["versions__core__3.10", [[D2, 6]]],
        ]),
      ),
      "core",
    );
    expect(chart.datasets).toEqual([
      { name: "3.1", values: [100, 0] },
      { name: "3.2", values: [0, 33.3] },
      { name: "3.10", values: [0, 66.7] },
    ]);
  });

  it("bands consecutive versions by their weight in the range when there are more than colors", async () => {
    // Shares on D1 (of 100): 3.0–3.5 1 each, 3.6 10, 3.7 20, 3.8 30, 3.9 34. In 8 bands:
    // 3.0 … 3.6 add up to 16, nearer 1/8 than with 3.7; then each of the heavy three alone.
    const values = [1, 1, 1, 1, 1, 1, 10, 20, 30, 34];
    const many = await pageOf([
      ["systems__total", [[D1, 100]]],
      ...values.map((n, i): [string, Array<[number, number]>] => [
        `versions__core__3.${i}`,
        [[D1, n]],
      ]),
    ]);
    const chart = versionShareChart(daily(many), "core");
    expect(TOP_VERSIONS).toBe(8);
    expect(chart.datasets).toEqual([
      { name: "3.0–3.6", values: [16] },
      { name: "3.7", values: [20] },
      { name: "3.8", values: [30] },
      { name: "3.9", values: [34] },
    ]);
    expect(chart.keys).toHaveLength(10);
  });

  it("leaves out the days on which no installation reported the component, not 0 %", () => {
    const data = daily(page);
    const core = versionShareChart(data, "core");
    expect(core.labels).toEqual(["2026-04-01", "2026-04-03"]);
    const file = versionShareChart(data, "file");
    expect(file.labels).toEqual(["2026-04-03"]);
    expect(file.datasets).toEqual([{ name: "1.2", values: [100] }]);
    const before = { ...data, days: [D1, D2] };
    expect(versionShareChart(before, "file")).toEqual({
      labels: [],
      datasets: [],
      keys: ["versions__file__1.2"],
    });
  });
});

describe("share charts over a daily range", () => {
  it("draw at most 30 bars, every n-th day counting back from the latest, and say so", () => {
    const asOf = Date.UTC(2026, 10, 27);
    const days = Array.from({ length: 90 }, (_, i) => asOf - (89 - i) * DAY_MS);
    const data = {
      asOf,
      days,
      resolution: "day" as const,
      series: new Map([
        ["versions__core__3.49", days.map((d) => [d, 2] as [number, number])],
        ["versions__core__3.50", days.map((d) => [d, 1] as [number, number])],
      ]),
    };
    const chart = versionShareChart(data, "core");
    expect(chart.labels).toHaveLength(30);
    expect(chart.labels.at(-1)).toBe("2026-11-27");
    expect(chart.labels.at(-2)).toBe("2026-11-24");
    expect(chart.labels[0]).toBe("2026-09-01");
    expect(resolutionNote(data)).toBe(
      "Daily points; share charts: one bar every 3 days, the latest always shown; the series API and CSV have every day.",
    );
    expect(resolutionNote({ ...data, days: days.slice(-30) })).toBe("");
  });
});
