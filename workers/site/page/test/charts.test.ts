import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DAY_MS } from "@pulp-analytics/shared/config";
import type { PageData, WeeklyHistory } from "@pulp-analytics/shared/store";
import { daysOfSeries, memorySummary, pageViewsOf } from "@pulp-analytics/shared/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adoptionSeries,
  ageChart,
  atLeastShares,
  bands,
  type ChartData,
  compareVersions,
  components,
  dailyChartData,
  deploymentChart,
  escapeHtml,
  exactVersionGroups,
  exactVersions,
  expectedDay,
  headline,
  installationsChart,
  isoDay,
  isSupportedPostgresql,
  monthly,
  postgresqlLatestChart,
  postgresqlShareChart,
  type RangeId,
  rbacCharts,
  resolutionNote,
  SUPPORTED_POSTGRESQL,
  shares,
  staleNotice,
  supportedPostgresqlLabel,
  TOP_MAJORS,
  TOP_VERSIONS,
  timeToShare,
  versionKeys,
  versionShareChart,
  weeklyChartData,
  xyOf,
  yearsFor,
} from "../charts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D1 = day("2026-04-01");
const D2 = day("2026-04-02");
const D3 = day("2026-04-03");

type Series = Array<[string, Array<[number, number]>]>;
/** The page views the store writes for these series (applyDays, one call a year). */
const views = async (series: Series) => pageViewsOf(await memorySummary(daysOfSeries(series), 0));
const pageOf = async (series: Series) => (await views(series)).page;

const page = await pageOf([
  [
    "systems__total",
    [
      [D1, 4],
      [D3, 5],
    ],
  ],
  ["systems__persistent", [[D3, 3]]],
  ["online_workers__processes__mean", [[D3, 2.5]]],
  [
    "versions__core__3.9",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["versions__core__3.10", [[D3, 2]]],
  ["versions__file__1.2", [[D3, 3]]],
  ["versions__rpm__3.1", [[D3, 1]]],
  ["versions_xyz__core__3.10.0", [[D3, 1]]],
  ["versions_xyz__core__3.10.11", [[D3, 1]]],
  [
    "versions_xyz__core__3.9.2",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["postgresql__unknown", [[D3, 1]]],
  ["postgresql__15", [[D3, 2]]],
  [
    "postgresql__9.6",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["age__3-4", [[D3, 1]]],
  ["age__0", [[D3, 2]]],
  ["age__17-32", [[D3, 2]]],
  ["rbac__users__2", [[D3, 1]]],
  ["rbac__users__0", [[D3, 2]]],
  ["rbac__custom_roles__0", [[D3, 3]]],
]);

const daily = (p: PageData, range: RangeId = "90d") => dailyChartData(p, range) as ChartData;

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

describe("chart models", () => {
  it("orders components core first, then by installations", () => {
    expect(components(page)).toEqual(["core", "file", "rpm"]);
    expect(versionKeys(page, "core")).toEqual(["versions__core__3.9", "versions__core__3.10"]);
  });

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

  it("lists exact versions of the latest day, newest first, grouped by x.y", () => {
    expect(exactVersions(page, "core").map((r) => [r.version, r.installations, r.share])).toEqual([
      ["3.10.11", 1, 33.3],
      ["3.10.0", 1, 33.3],
      ["3.9.2", 1, 33.3],
    ]);
    const groups = exactVersionGroups(page, "core");
    expect(groups.map((g) => [g.xy, g.installations, g.share])).toEqual([
      ["3.10", 2, 66.7],
      ["3.9", 1, 33.3],
    ]);
    expect(groups[0]?.versions.map((v) => v.version)).toEqual(["3.10.11", "3.10.0"]);
    expect(exactVersions(page, "file")).toEqual([]);
    expect(exactVersionGroups(page, "file")).toEqual([]);
    expect(xyOf("3.49.0.dev")).toBe("3.49");
    expect(xyOf("7")).toBe("7");
  });

  it("orders PostgreSQL majors numerically with unknown last", () => {
    const latest = postgresqlLatestChart(page);
    expect(latest.labels).toEqual(["9.6", "15", "unknown"]);
    expect(latest.datasets[0]?.values).toEqual([25, 50, 25]);
    expect(postgresqlShareChart(daily(page)).datasets).toEqual([
      { name: "9.6", values: [100, 25] },
      { name: "15", values: [0, 50] },
      { name: "unknown", values: [0, 25] },
    ]);
  });

  it("names no more PostgreSQL majors than there are colors, the smallest as Other", async () => {
    // 9.6 … 17 and unknown: 10 majors, 9.6 and 10 the smallest on the latest day.
    const majors = ["9.6", ...Array.from({ length: 8 }, (_, i) => String(10 + i)), "unknown"];
    const many = await pageOf([
      [
        "systems__total",
        [
          [D1, 10],
          [D2, 55],
        ],
      ],
      ...majors.map((major, i): [string, Array<[number, number]>] => [
        `postgresql__${major}`,
        [
          [D1, 1],
          [D2, i + 1],
        ],
      ]),
    ]);
    expect(majors).toHaveLength(TOP_MAJORS + 2);
    const named = ["11", "12", "13", "14", "15", "16", "17", "unknown"];
    const latest = postgresqlLatestChart(many);
    expect(latest.labels).toEqual(["Other", ...named]);
    // 1 + 2 of 55 installations, then 3 … 10 of 55.
    expect(latest.datasets[0]?.values).toEqual([5.5, 5.5, 7.3, 9.1, 10.9, 12.7, 14.5, 16.4, 18.2]);
    expect(latest.keys).toHaveLength(majors.length);
    // Every major has its highest share, 10 %, on D1 but 14 and up (6/55 and more on D2):
    // ties go to the larger on D2. On D2 the shares add up to exactly 100.
    const share = postgresqlShareChart(daily(many));
    expect(share.datasets.map((d) => d.name)).toEqual(["Other", ...named]);
    expect(share.datasets[0]?.values).toEqual([20, 5.5]);
    expect(share.datasets.reduce((sum, d) => sum + (d.values[1] ?? 0), 0)).toBeCloseTo(100, 9);
  });

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

  it("compares versions naturally", () => {
    expect(["3.10", "3.9", "10.0", "3.9.1"].sort(compareVersions)).toEqual([
      "3.9",
      "3.9.1",
      "3.10",
      "10.0",
    ]);
  });

  it("escapes text for HTML", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;",
    );
  });
});

describe("the site's generated assets", () => {
  it("are what scripts/build-assets.mjs builds from the sources and the pinned frappe-charts", () => {
    const script = fileURLToPath(new URL("../../scripts/build-assets.mjs", import.meta.url));
    // Throws, with the stale files in its message, when a built file is out of date.
    execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" });
  });
});

describe("the stale notice", () => {
  const asOf = day("2026-11-25");
  it("follows the health rule: yesterday, or the day before until 02:00 UTC", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-27T03:00:00Z"))).toBe(
      "The latest summary is from 2026-11-25; the data may be out of date.",
    );
    // Before 02:00 tonight's run may still be at work: the day before yesterday is fresh.
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-27T01:59:00Z"))).toBeNull();
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-26T12:00:00Z"))).toBeNull();
    expect(staleNotice({ asOf: null, generatedAt: 0 }, at("2026-11-27T03:00:00Z"))).toBeNull();
    expect(expectedDay(at("2026-11-27T03:00:00Z"))).toBe(day("2026-11-26"));
  });
});

describe("the headline", () => {
  const asOf = day("2026-04-10");
  let headPage: PageData;
  beforeAll(async () => {
    headPage = await pageOf([
      [
        "systems__total",
        [
          [day("2026-03-01"), 80],
          // After asOf − 30 days (2026-03-11): not the day compared with.
          [day("2026-03-12"), 85],
          [asOf, 100],
        ],
      ],
      ["versions__core__3.9", [[asOf, 30]]],
      ["versions__core__3.10", [[asOf, 50]]],
      [
        "versions__core__3.11",
        [
          [day("2026-03-12"), 70],
          [asOf, 20],
        ],
      ],
      ["versions__file__1.2", [[asOf, 90]]],
      ["postgresql__13", [[asOf, 10]]],
      ["postgresql__14", [[asOf, 20]]],
      ["postgresql__16", [[asOf, 30]]],
      ["postgresql__19", [[asOf, 5]]],
      ["postgresql__unknown", [[asOf, 15]]],
    ]);
  });

  it("counts installations, the change over 30 days, the top core x.y and supported PostgreSQL", () => {
    expect(headline(headPage)).toEqual({
      day: "2026-04-10",
      installations: 100,
      // The nearest day on or before 2026-03-11 with a point: 80 → 100.
      change: { since: "2026-03-01", absolute: 20, percent: 25 },
      // 50 of core's 100 installations.
      core: { xy: "3.10", installations: 50, share: 50 },
      // 14, 16 and 19 (newer than the newest listed) of 65 with a known major; unknown left out.
      postgresql: { share: 84.6, supported: 55, known: 65, unknown: 15 },
    });
  });

  it("has no change without an earlier day, and ties go to the newer x.y", async () => {
    const one = await pageOf([
      ["systems__total", [[asOf, 7]]],
      ["versions__core__3.9", [[asOf, 3]]],
      ["versions__core__3.10", [[asOf, 3]]],
    ]);
    expect(headline(one)).toMatchObject({
      installations: 7,
      change: null,
      core: { xy: "3.10", installations: 3, share: 50 },
      postgresql: null,
    });
    expect(headline(await pageOf([]))).toBeNull();
  });

  it("names the supported PostgreSQL majors from the policy", () => {
    expect(SUPPORTED_POSTGRESQL).toEqual(["14", "15", "16", "17", "18"]);
    expect(supportedPostgresqlLabel()).toBe("PostgreSQL 14 or newer");
    expect(["9.6", "13", "14", "18", "19", "unknown"].map(isSupportedPostgresql)).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe("release adoption", () => {
  const asOf = day("2026-04-10");

  it("gives the share on each recent x.y or newer, cumulative from the newest", async () => {
    const p = await pageOf([
      ["systems__total", [[asOf, 200]]],
      ["versions__core__3.8", [[asOf, 10]]],
      ["versions__core__3.9", [[asOf, 30]]],
      ["versions__core__3.10", [[asOf, 50]]],
      ["versions__core__3.11", [[asOf, 20]]],
    ]);
    // Of 110: 20, 20 + 50, 20 + 50 + 30, all.
    expect(atLeastShares(p, "core")).toEqual([
      { xy: "3.11", installations: 20, atLeast: 18.2 },
      { xy: "3.10", installations: 50, atLeast: 63.6 },
      { xy: "3.9", installations: 30, atLeast: 90.9 },
      { xy: "3.8", installations: 10, atLeast: 100 },
    ]);
    expect(atLeastShares(p, "core", 2).map((r) => r.xy)).toEqual(["3.11", "3.10"]);
    expect(atLeastShares(p, "file")).toEqual([]);
  });

  it("counts the days each x.y took to reach a quarter and half, with the newer ones", () => {
    const d = (n: number) => day("2026-01-01") + n * DAY_MS;
    const series = new Map<string, Array<[number, number]>>([
      // 3.1 is there on the first day: when it came is unknown.
      [
        "3.1",
        [
          [d(0), 100],
          [d(1), 100],
          [d(2), 90],
          [d(3), 60],
          [d(4), 50],
          [d(6), 40],
        ],
      ],
      // First seen on day 1: 10/110, then 30/120 = 25 % on day 2, 60/120 = 50 % on day 3.
      [
        "3.2",
        [
          [d(1), 10],
          [d(2), 30],
          [d(3), 60],
          [d(4), 60],
          [d(6), 40],
        ],
      ],
      // First seen on day 4 (10/120); nothing reported on day 5; 40/120 = 33 % on day 6.
      [
        "3.3",
        [
          [d(4), 10],
          [d(6), 40],
        ],
      ],
    ]);
    expect(timeToShare(series, ["3.3", "3.2", "3.1", "3.0"])).toEqual([
      { xy: "3.3", firstSeen: "2026-01-05", days: [2, null] },
      { xy: "3.2", firstSeen: "2026-01-02", days: [1, 2] },
      { xy: "3.1", firstSeen: null, days: [null, null] },
      { xy: "3.0", firstSeen: null, days: [null, null] },
    ]);
  });

  it("takes the recent days, and the weekly points before them when they are loaded", async () => {
    const first = day("2025-06-01");
    const daysOf = (n: number) =>
      Array.from({ length: n }, (_, i): [number, number] => [first + i * DAY_MS, 10]);
    const { page: p, weekly: w } = await views([
      ["systems__total", daysOf(300)],
      ["versions__core__3.1", daysOf(300)],
      ["versions__file__1.0", daysOf(300)],
    ]);
    const recent = adoptionSeries(p, "core", null).get("3.1") ?? [];
    expect(recent).toHaveLength(90);
    expect(recent[0]?.[0]).toBe(p.recent.start);
    const all = adoptionSeries(p, "core", w);
    expect([...all.keys()]).toEqual(["3.1"]);
    const points = all.get("3.1") ?? [];
    const older = points.filter(([at]) => at < p.recent.start);
    // 210 days before the recent block: one point a week (30 of them), then every day.
    expect(older.length).toBe(30);
    expect(points.slice(older.length)).toEqual(recent);
    expect(points.every(([at], i) => i === 0 || at > (points[i - 1]?.[0] ?? 0))).toBe(true);
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
