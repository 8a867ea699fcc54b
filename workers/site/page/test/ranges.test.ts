import { DAY_MS } from "@pulp-analytics/shared/config";
import type { PageData, WeeklyHistory } from "@pulp-analytics/shared/store";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ChartData,
  dailyChartData,
  deploymentChart,
  installationsChart,
  isoDay,
  monthly,
  resolutionNote,
  versionShareChart,
  weeklyChartData,
  yearsFor,
} from "../model";
import { D1, D2, D3, daily, day, page, pageOf, type Series, views } from "./fixtures";

describe("chart data of the daily ranges", () => {
  it("shows every day of the range, ending on the latest day, with 0 for days without a point", async () => {
    const data = daily(page);
    expect(data.days).toEqual([D1, D2, D3]);
    expect(data.resolution).toBe("day");
    expect(daily(page, "30d").days).toEqual([D1, D2, D3]);
    const chart = installationsChart(data);
    expect(chart.labels).toEqual(["2026-04-01", "2026-04-02", "2026-04-03"]);
    expect(chart.datasets).toEqual([
      { name: "All", values: [4, 0, 5] },
      { name: "Persistent", values: [0, 0, 3] },
    ]);
    expect(deploymentChart(data).datasets[0]).toEqual({
      name: "Workers (processes)",
      values: [0, 0, 2.5],
    });
    expect(dailyChartData(await pageOf([]), "90d")).toBeNull();
    expect(resolutionNote(data)).toBe("");
  });

  it("cuts the page's 90 days to the last 30 for the 30-day range", async () => {
    const long = await pageOf([
      [
        "systems__total",
        Array.from({ length: 100 }, (_, i): [number, number] => [D3 - (99 - i) * DAY_MS, 99 - i]),
      ],
    ]);
    const d30 = daily(long, "30d");
    expect(d30.days).toHaveLength(30);
    expect(d30.days[0]).toBe(D3 - 29 * DAY_MS);
    expect(installationsChart(d30).datasets[0]?.values.slice(-3)).toEqual([2, 1, 0]);
    expect(daily(long, "90d").days).toHaveLength(90);
  });
});

describe("chart data of the long ranges", () => {
  // Every day from 2024-12-25 to 2025-01-10, and one day in 2023.
  const first = day("2024-12-25");
  const history: Series = [
    [
      "systems__total",
      [
        [day("2023-06-01"), 1],
        ...Array.from({ length: 17 }, (_, i): [number, number] => [first + i * DAY_MS, 10 + i]),
      ],
    ],
    ["versions__core__3.1", [[day("2023-06-01"), 1]]],
  ];
  let longPage: PageData;
  let weekly: WeeklyHistory[];
  beforeAll(async () => {
    ({ page: longPage, weekly } = await views(history));
  });

  it("needs the weekly years of the range only", () => {
    expect(longPage.years).toEqual([2023, 2024, 2025]);
    // 365 days back from 2025-01-10 is 2024-01-11.
    expect(yearsFor(longPage, "1y")).toEqual([2024, 2025]);
    expect(yearsFor(longPage, "all")).toEqual([2023, 2024, 2025]);
    expect(yearsFor(longPage, "90d")).toEqual([]);
  });

  it("has one point a week: each week's latest summarized day, weeks counted from 1 January", () => {
    const needed = weekly.filter((w) => yearsFor(longPage, "1y").includes(w.year));
    const year = weeklyChartData(longPage, needed, "1y") as ChartData;
    // 2024 is a leap year: its week 51 is 23–29 December, and week 52 is 30–31 December.
    const days = ["2024-12-29", "2024-12-31", "2025-01-07", "2025-01-10"];
    expect(year.days.map(isoDay)).toEqual(days);
    expect(year.resolution).toBe("week");
    expect(installationsChart(year).datasets[0]?.values).toEqual([14, 16, 23, 26]);
    expect(resolutionNote(year)).toBe(
      "One point a week (the latest summarized day of each); the series API and CSV have every day.",
    );
    const all = weeklyChartData(longPage, weekly, "all") as ChartData;
    expect(all.days.map(isoDay)).toEqual(["2023-06-01", ...days]);
    expect(versionShareChart(all, "core").datasets).toEqual([{ name: "3.1", values: [100] }]);
  });

  it("goes monthly past MAX_POINTS weeks, keeping the latest day", async () => {
    const start = day("2023-01-01");
    const { page: years, weekly: weeks } = await views([
      [
        "systems__total",
        Array.from({ length: 3 * 365 }, (_, i): [number, number] => [start + i * DAY_MS, 1]),
      ],
    ]);
    expect(years.asOf).toBe(day("2025-12-30"));
    const all = weeklyChartData(years, weeks, "all") as ChartData;
    expect(all.resolution).toBe("month");
    expect(all.days).toHaveLength(36);
    // Weeks of 2023 end on the 7th, 14th, 21st, 28th of January, then 4 February, …
    expect(all.days.slice(0, 2).map(isoDay)).toEqual(["2023-01-28", "2023-02-25"]);
    expect(all.days.at(-1)).toBe(years.asOf);
    expect(resolutionNote(all)).toContain("One point a month");
  });

  it("thins months to every n-th, counted back from the latest", () => {
    const months = Array.from({ length: 130 }, (_, i) => Date.UTC(2010, i, 1));
    const thinned = monthly(months);
    expect(thinned).toHaveLength(65);
    expect(thinned.at(-1)).toBe(months.at(-1));
    expect(thinned[0]).toBe(months[1]);
    expect(monthly([D1, D2, day("2026-05-02")])).toEqual([D2, day("2026-05-02")]);
  });
});
