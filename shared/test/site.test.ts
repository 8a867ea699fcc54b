import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Point } from "../src/keys";
import { DAY_MS } from "../src/names";
import { parseSeriesRequest, seriesCsv } from "../src/site";
import {
  ageChart,
  type ChartPage,
  chartDays,
  compareVersions,
  components,
  deploymentChart,
  escapeHtml,
  exactVersions,
  installationsChart,
  MAX_POINTS,
  postgresqlLatestChart,
  postgresqlShareChart,
  rbacCharts,
  TOP_MAJORS,
  TOP_VERSIONS,
  versionShareChart,
} from "../src/site-charts";

/** What the charts read (ChartPage) from whole series, as the page data's recent days give it. */
function buildPageData(all: Map<string, Point[]>, _generatedAt: number): ChartPage {
  let asOf: number | null = null;
  for (const points of all.values()) {
    const last = points[points.length - 1];
    if (last && (asOf === null || last[0] > asOf)) asOf = last[0];
  }
  const series: Record<string, Point[]> = {};
  const latestXyz: Record<string, number> = {};
  for (const [key, points] of all) {
    if (points.length === 0) continue;
    if (!key.startsWith("versions_xyz__")) series[key] = points;
    else if (points[points.length - 1]?.[0] === asOf)
      latestXyz[key] = points[points.length - 1]?.[1] as number;
  }
  return { asOf, series, latestXyz };
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D1 = day("2026-04-01");
const D2 = day("2026-04-02");
const D3 = day("2026-04-03");

describe("parseSeriesRequest", () => {
  it("splits off the CSV suffix and accepts published key shapes", () => {
    expect(parseSeriesRequest("systems__total")).toEqual({ key: "systems__total", format: "json" });
    expect(parseSeriesRequest("versions_xyz__core__3.49.1.csv")).toEqual({
      key: "versions_xyz__core__3.49.1",
      format: "csv",
    });
  });

  it.each([
    "_page",
    "_page.csv",
    "systems",
    "",
    ".csv",
    "a__<b>",
    "a__b/c",
    `a__${"x".repeat(201)}`,
  ])("refuses %j", (name) => expect(parseSeriesRequest(name)).toBeNull());
});

describe("seriesCsv", () => {
  it("writes a header and one row per point", () => {
    expect(
      seriesCsv([
        [D1, 3],
        [D2, 2.5],
      ]),
    ).toBe(`timestamp,date,value\r\n${D1},2026-04-01,3\r\n${D2},2026-04-02,2.5\r\n`);
    expect(seriesCsv([])).toBe("timestamp,date,value\r\n");
  });
});

const page = buildPageData(
  new Map([
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
  ] as Array<[string, Array<[number, number]>]>),
  D3 + 1000,
);

describe("chart data", () => {
  it("shows the days of the range, ending on the latest day, with 0 for days without a point", () => {
    const days = chartDays(page, "all");
    expect(days).toEqual([D1, D2, D3]);
    expect(chartDays(page, "30d")).toEqual([D1, D2, D3]);
    const chart = installationsChart(page, days);
    expect(chart.labels).toEqual(["2026-04-01", "2026-04-02", "2026-04-03"]);
    expect(chart.datasets).toEqual([
      { name: "All", values: [4, 0, 5] },
      { name: "Persistent", values: [0, 0, 3] },
    ]);
    expect(deploymentChart(page, days).datasets[0]).toEqual({
      name: "Workers (processes)",
      values: [0, 0, 2.5],
    });
  });

  it("samples long ranges down to at most MAX_POINTS days, always keeping the latest", () => {
    const long = buildPageData(
      new Map([
        [
          "systems__total",
          [
            [D3 - 999 * DAY_MS, 1],
            [D3, 2],
          ],
        ],
      ]),
      0,
    );
    const all = chartDays(long, "all");
    expect(all.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(all.at(-1)).toBe(D3);
    // 365 days every 4th day, counted back from the latest.
    expect(chartDays(long, "1y")).toHaveLength(92);
    expect(chartDays(long, "30d")).toHaveLength(30);
    expect(chartDays(buildPageData(new Map(), 0), "all")).toEqual([]);
  });

  it("orders components core first, then by installations", () => {
    expect(components(page)).toEqual(["core", "file", "rpm"]);
  });

  it("names the most used x.y versions and adds up the rest as Other", () => {
    const many = buildPageData(
      new Map(
        Array.from({ length: TOP_VERSIONS + 2 }, (_, i) => [
          `versions__core__3.${i}`,
          [[D1, i + 1]],
        ]),
      ) as Map<string, Array<[number, number]>>,
      0,
    );
    const chart = versionShareChart(many, "core", [D1]);
    expect(chart.datasets.map((d) => d.name)).toEqual([
      "Other",
      "3.2",
      "3.3",
      "3.4",
      "3.5",
      "3.6",
      "3.7",
    ]);
    expect(chart.datasets[0]?.values).toEqual([8.3]);
    expect(chart.keys).toHaveLength(TOP_VERSIONS + 2);
  });

  it("gives x.y shares in percent in natural version order", () => {
    const chart = versionShareChart(page, "core", [D1, D3]);
    expect(chart.datasets).toEqual([
      { name: "3.9", values: [100, 33.3] },
      { name: "3.10", values: [0, 66.7] },
    ]);
    expect(chart.keys).toEqual(["versions__core__3.9", "versions__core__3.10"]);
  });

  it("leaves out the days on which no installation reported the component, not 0 %", () => {
    const core = versionShareChart(page, "core", [D1, D2, D3]);
    expect(core.labels).toEqual(["2026-04-01", "2026-04-03"]);
    expect(core.datasets).toEqual([
      { name: "3.9", values: [100, 33.3] },
      { name: "3.10", values: [0, 66.7] },
    ]);
    const file = versionShareChart(page, "file", [D1, D2, D3]);
    expect(file.labels).toEqual(["2026-04-03"]);
    expect(file.datasets).toEqual([{ name: "1.2", values: [100] }]);
    expect(versionShareChart(page, "file", [D1, D2])).toMatchObject({
      labels: [],
      datasets: [{ name: "1.2", values: [] }],
      keys: ["versions__file__1.2"],
    });
  });

  it("lists exact versions of the latest day, newest first", () => {
    expect(exactVersions(page, "core").map((r) => [r.version, r.installations, r.share])).toEqual([
      ["3.10.11", 1, 33.3],
      ["3.10.0", 1, 33.3],
      ["3.9.2", 1, 33.3],
    ]);
    expect(exactVersions(page, "file")).toEqual([]);
  });

  it("orders PostgreSQL majors numerically with unknown last", () => {
    const latest = postgresqlLatestChart(page);
    expect(latest.labels).toEqual(["9.6", "15", "unknown"]);
    expect(latest.datasets[0]?.values).toEqual([25, 50, 25]);
    expect(postgresqlShareChart(page, [D1, D3]).datasets.map((d) => d.name)).toEqual([
      "9.6",
      "15",
      "unknown",
    ]);
  });

  it("names no more PostgreSQL majors than there are colors, the smallest as Other", () => {
    // 9.6 … 17 and unknown: 10 majors, 9.6 and 10 the smallest on the latest day.
    const majors = ["9.6", ...Array.from({ length: 8 }, (_, i) => String(10 + i)), "unknown"];
    const many = buildPageData(
      new Map(
        majors.map((major, i) => [
          `postgresql__${major}`,
          [
            [D1, 1],
            [D2, i + 1],
          ],
        ]),
      ) as Map<string, Array<[number, number]>>,
      0,
    );
    expect(majors).toHaveLength(TOP_MAJORS + 2);
    const named = ["11", "12", "13", "14", "15", "16", "17", "unknown"];
    const latest = postgresqlLatestChart(many);
    expect(latest.labels).toEqual(["Other", ...named]);
    // 1 + 2 of 55 installations, then 3 … 10 of 55.
    expect(latest.datasets[0]?.values).toEqual([5.5, 5.5, 7.3, 9.1, 10.9, 12.7, 14.5, 16.4, 18.2]);
    expect(latest.keys).toHaveLength(majors.length);
    const share = postgresqlShareChart(many, [D1, D2]);
    expect(share.datasets.map((d) => d.name)).toEqual(["Other", ...named]);
    expect(share.datasets[0]?.values).toEqual([20, 5.5]);
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
    const script = fileURLToPath(
      new URL("../../workers/site/scripts/build-assets.mjs", import.meta.url),
    );
    // Throws, with the stale files in its message, when a built file is out of date.
    execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" });
  });
});
