import type { Point } from "@pulp-analytics/shared/summary";
import { describe, expect, it } from "vitest";
import {
  blockedByCore,
  blockedStays,
  chartSummary,
  chartTable,
  latestDay,
  leftBehindOn,
  movementSince,
  onReleaseChart,
  type Plan,
  parsePlan,
  pathName,
  pathsChart,
  rangeFirstDay,
  releaseStays,
  stayText,
  upgradePaths,
} from "../model";
import { day } from "./fixtures";

const D = day("2026-11-24");
const D1 = day("2026-11-23");
const D2 = day("2026-11-22");
const OLD = day("2026-08-01");

const map = (o: Record<string, Point[]>) => new Map(Object.entries(o));

/** Upgrade paths as the joint route serves them, over four days. */
const paths = map({
  "upgrades__core__3.48__3.49": [
    [OLD, 50],
    [D2, 6],
    [D1, 7],
    [D, 8],
  ],
  "upgrades__core__3.21__3.49": [[D, 21]],
  "upgrades__core__3.48__other": [[D1, 9]],
  "upgrades__core__3.47__3.48": [
    [D2, 5],
    [D, 4],
  ],
  // Another component's paths and a malformed key: not core's.
  "upgrades__rpm__3.27__3.28": [[D, 99]],
  "upgrades__core__3.47": [[D, 99]],
});

describe("upgrade paths over a range", () => {
  it("sums each path's days in the range, most upgrades first", () => {
    // D2..D: 3.48→3.49 6+7+8 = 21, 3.21→3.49 21 (tie: same `to`, newer `from` first),
    // 3.48→other 9, 3.47→3.48 5+4 = 9 (tie: the x.y `to` before `other`).
    const got = upgradePaths(paths, D2, D);
    expect(got.map((p) => [pathName(p), p.upgrades])).toEqual([
      ["3.48 → 3.49", 21],
      ["3.21 → 3.49", 21],
      ["3.47 → 3.48", 9],
      ["3.48 → other x.y", 9],
    ]);
    // The whole history adds the old day's 50.
    expect(upgradePaths(paths, Number.NEGATIVE_INFINITY, D)[0]).toEqual({
      from: "3.48",
      to: "3.49",
      upgrades: 71,
      key: "upgrades__core__3.48__3.49",
    });
    // A range with no upgrade has no path.
    expect(upgradePaths(paths, D + 1, D + 2)).toEqual([]);
  });

  it("charts the ten most common paths and sums the rest in one bar", () => {
    const many = map(
      Object.fromEntries(
        Array.from({ length: 12 }, (_, i): [string, Point[]] => [
          `upgrades__core__3.${10 + i}__3.50`,
          [[D, 100 - i]],
        ]),
      ),
    );
    const chart = pathsChart(upgradePaths(many, D, D));
    expect(chart.labels).toHaveLength(11);
    expect(chart.labels[0]).toBe("3.10 → 3.50");
    expect(chart.labels[10]).toBe("Other paths");
    // The two smallest, 3.20 → 3.50 (90) and 3.21 → 3.50 (89).
    expect(chart.datasets[0]?.values[10]).toBe(179);
    expect(chart.keys).toHaveLength(12);
    // In words: 12 paths of 100 − i upgrades: 1,134 in all, the most 100 (8.8 %).
    expect(chartSummary(chart, "totals", "Core upgrade paths", "2026-11-24 to 2026-11-24")).toBe(
      "Core upgrade paths, 2026-11-24 to 2026-11-24: 1,134 in all; the most, 100 (8.8\u00a0%), 3.10 → 3.50.",
    );
    expect(chartTable(chart, "totals", "Path").rows[10]).toEqual(["Other paths", "179"]);
  });
});

/** The movement groups of the latest days, as the movement route serves them. */
const movement = map({
  on_release__core__under_30d: [
    [D1, 30],
    [D, 40],
  ],
  on_release__core__90_180d: [[D, 25]],
  on_release__core__over_2y: [[D, 5]],
  on_release__rpm__under_30d: [[D, 77]],
  "on_release_median__core__3.49": [[D, 12.5]],
  "on_release_median__core__3.45": [[D, 400]],
  "on_release_median__core__3.21": [[D1, 800]],
  left_behind__6m: [[D, 18]],
  left_behind__12m: [[D, 9]],
  "left_behind_on__6_12m__3.45": [[D, 7]],
  "left_behind_on__6_12m__3.21": [[D, 6]],
  left_behind_on__6_12m__other: [[D, 5]],
  "left_behind_on__12_24m__3.45": [[D, 5]],
  left_behind_on__12_24m__other: [[D, 4]],
});

describe("time on a release and installations left behind", () => {
  it("finds the latest day a family has, up to the page's day", () => {
    expect(latestDay(movement, "on_release__core__", D)).toBe(D);
    expect(latestDay(movement, "on_release__core__", D1)).toBe(D1);
    expect(latestDay(movement, "on_release__core__", D2)).toBeNull();
  });

  it("puts core's installations in every bucket, in order, 0 where none", () => {
    const chart = onReleaseChart(movement, D);
    expect(chart.labels).toEqual([
      "under 30 days",
      "30–90 days",
      "90–180 days",
      "180–365 days",
      "1–2 years",
      "over 2 years",
    ]);
    expect(chart.datasets[0]?.values).toEqual([40, 0, 25, 0, 0, 5]);
    expect(chart.keys[5]).toBe("on_release__core__over_2y");
  });

  it("counts the installations left behind, of those whose time on core's x.y is known", () => {
    // 40 + 25 + 5 = 70 known on D; no 24-month point: 0.
    expect(leftBehindOn(movement, D)).toEqual({ day: D, counts: [18, 9, 0], of: 70 });
  });

  it("lists each core x.y newest first with its median and its left-behind cells", () => {
    // 3.21's median is from D1, not D: none on D; its 12–24 month cell is inside `other`.
    expect(releaseStays(movement, D)).toEqual([
      { xy: "3.49", medianDays: 12.5, leftBehind: [null, null, null] },
      { xy: "3.45", medianDays: 400, leftBehind: [7, 5, null] },
      { xy: "3.21", medianDays: null, leftBehind: [6, null, null] },
    ]);
  });

  it("writes a stay in days, months or years", () => {
    expect(stayText(1)).toBe("1 day");
    expect(stayText(12.5)).toBe("13 days");
    expect(stayText(59)).toBe("59 days");
    // 400 / 30.44 = 13.1; 800 / 365.25 = 2.19.
    expect(stayText(400)).toBe("about 13 months");
    expect(stayText(800)).toBe("about 2.2 years");
  });

  it("says since when movement is counted: the earliest first day of its families", () => {
    expect(
      movementSince([
        { id: "systems", firstDay: "2021-01-01" },
        { id: "upgrades", firstDay: "2026-03-02" },
        { id: "on_release", firstDay: "2026-03-01" },
        { id: "left_behind", firstDay: null },
      ]),
    ).toBe("2026-03-01");
    expect(movementSince([{ id: "upgrades", firstDay: null }])).toBeNull();
  });
});

describe("the planner: installations that would have to upgrade", () => {
  const joint = map({
    "core_postgresql__3.79__13": [[D, 10]],
    "core_postgresql__3.79__14": [[D, 20]],
    "core_postgresql__3.79__other": [[D, 4]],
    "core_postgresql__3.80__12": [[D, 6]],
    "core_postgresql__3.80__13": [[D, 3]],
    "core_postgresql__3.80__unknown": [[D, 5]],
    "core_postgresql__3.45__13": [[D, 8]],
    "plugin_core__rpm__3.30__3.49": [[D, 11]],
    "plugin_core__rpm__3.30__3.45": [[D, 7]],
    "plugin_core__rpm__3.30__3.80": [[D, 9]],
    "plugin_core__rpm__3.29__3.45": [[D, 13]],
    "plugin_core__rpm__3.30__other": [[D, 4]],
  });

  it("groups a PostgreSQL rule's blocked cells by the core x.y they run", () => {
    // core 3.79 or newer requires PostgreSQL 14: 3.80 (12: 6, 13: 3) and 3.79 (13: 10);
    // 3.45 is not about the rule, remainders and unknown are not counted.
    const plan = parsePlan("core:3.79:postgresql:14") as Plan;
    expect(blockedByCore(plan, joint, D)).toEqual([
      { core: "3.80", installations: 9 },
      { core: "3.79", installations: 10 },
    ]);
  });

  it("groups a core rule's blocked cells by the core column, and adds the median stay", () => {
    // rpm 3.30 or newer requires core 3.50: rows 3.30 only; columns 3.49 (11) and 3.45 (7).
    const plan = parsePlan("rpm:3.30:core:3.50") as Plan;
    const blocked = blockedByCore(plan, joint, D);
    expect(blocked).toEqual([
      { core: "3.49", installations: 11 },
      { core: "3.45", installations: 7 },
    ]);
    expect(blockedStays(movement, D, blocked)).toEqual([
      { core: "3.49", installations: 11, medianDays: 12.5 },
      { core: "3.45", installations: 7, medianDays: 400 },
    ]);
    // No movement counted yet: every median is unknown, the counts stay.
    expect(blockedStays(movement, null, blocked).map((b) => b.medianDays)).toEqual([null, null]);
  });

  it("starts a range where the page's ranges do", () => {
    expect(rangeFirstDay(D, "30d")).toBe(D - 29 * 86_400_000);
    expect(rangeFirstDay(D, "all")).toBe(Number.NEGATIVE_INFINITY);
  });
});
