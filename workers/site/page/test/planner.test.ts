import type { Point } from "@pulp-analytics/shared/summary";
import { describe, expect, it } from "vitest";
import {
  atLeast,
  canReport,
  countPlan,
  denominator,
  formatPlan,
  parsePlan,
  planDays,
  planGroup,
  planSummary,
  planText,
  planTrend,
  planYears,
  togetherOn,
} from "../model";
import { day } from "./fixtures";

const D = day("2026-11-24");
const D0 = day("2026-11-23");

/** Joint series on D (and a few on D0), written as the summarizer publishes them. */
const series = new Map<string, Point[]>(
  Object.entries({
    "core_postgresql__3.79__13": [
      [D0, 12],
      [D, 10],
    ],
    "core_postgresql__3.79__14": [[D, 20]],
    "core_postgresql__3.79__other": [[D, 4]],
    "core_postgresql__3.80__13": [[D, 6]],
    "core_postgresql__3.80__16": [
      [D0, 25],
      [D, 30],
    ],
    "core_postgresql__3.80__unknown": [[D, 5]],
    "core_postgresql__3.80__other": [
      [D0, 2],
      [D, 3],
    ],
    "core_postgresql__3.81__15": [[D, 12]],
    "plugin_core__rpm__3.29__3.74": [[D, 8]],
    "plugin_core__rpm__3.29__3.79": [[D, 9]],
    "plugin_core__rpm__3.30__3.74": [[D, 5]],
    "plugin_core__rpm__3.30__3.80": [[D, 11]],
    "plugin_core__rpm__3.30__other": [[D, 2]],
    "plugin_core__rpm__3.31__other": [[D, 4]],
    "plugin_core__file__1.16__3.74": [[D, 50]],
  } as Record<string, Point[]>),
);

const plan = (text: string) => {
  const parsed = parsePlan(text);
  if (!parsed) throw new Error(`not a plan: ${text}`);
  return parsed;
};

describe("the planner's rule", () => {
  it.each([
    ["core:3.80:postgresql:14", "core 3.80 or newer requires PostgreSQL 14 or newer"],
    ["rpm:3.30:core:3.75", "rpm 3.30 or newer requires core 3.75 or newer"],
    ["core:any:postgresql:13", "every core requires PostgreSQL 13 or newer"],
  ])("%s round-trips through the URL and reads as %s", (text, words) => {
    expect(formatPlan(plan(text))).toBe(text);
    expect(planText(plan(text))).toBe(words);
  });

  it.each([
    null,
    "",
    "core:3.80:postgresql",
    "core:3.80:postgresql:14:x",
    "rpm:3.30:postgresql:14",
    "core:3.80:core:3.75",
    "core:3.80:mysql:8",
    "Core:3.80:postgresql:14",
    "core:3.8x:postgresql:14",
    "core:3.80:postgresql:<b>",
  ])("refuses %j", (text) => {
    expect(parsePlan(text)).toBeNull();
  });

  it("reads the group of its table", () => {
    expect(planGroup(plan("core:3.80:postgresql:14"))).toBe("core_postgresql");
    expect(planGroup(plan("rpm:3.30:core:3.75"))).toBe("plugin_core__rpm");
  });
});

describe("the planner's counts, by hand", () => {
  it("core ≥ 3.80 requires PostgreSQL ≥ 14: 6 for sure, up to 9 with the remainder", () => {
    // Rows 3.80 (6 + 30 + 5 + 3 = 44) and 3.81 (12): 56. Breaking: 3.80×13 = 6; 3.80's
    // remainder (3) may break it too; 5 did not report PostgreSQL.
    expect(countPlan(plan("core:3.80:postgresql:14"), series, D)).toEqual({
      day: D,
      lower: 6,
      upper: 9,
      of: { installations: 56, of: "installations on core 3.80 or newer" },
      unknown: 5,
    });
  });

  it("drop PostgreSQL below 14 for every core: 16 to 23 of 90", () => {
    // Rows 3.79 (34), 3.80 (44), 3.81 (12). Breaking: 3.79×13 = 10, 3.80×13 = 6; remainders 4 + 3.
    const count = countPlan(plan("core:any:postgresql:14"), series, D);
    expect([count.lower, count.upper, count.of.installations, count.unknown]).toEqual([
      16, 23, 90, 5,
    ]);
    expect(planSummary(count)).toBe(
      "2026-11-24: between 16 and 23 (17.8 %–25.6 %) of 90 installations on core",
    );
  });

  it("rpm ≥ 3.30 requires core ≥ 3.75: 5 to 11 of 22", () => {
    // Rows 3.30 (5 + 11 + 2 = 18) and 3.31 (4): 22. Breaking: 3.30×3.74 = 5; remainders 2 + 4.
    const count = countPlan(plan("rpm:3.30:core:3.75"), series, D);
    expect(count).toMatchObject({ lower: 5, upper: 11, unknown: 0 });
    expect(count.of).toEqual({
      installations: 22,
      of: "installations running rpm 3.30 or newer (and core)",
    });
  });

  it("an exact count when no remainder is involved", () => {
    const count = countPlan(plan("core:3.81:postgresql:16"), series, D);
    expect(count).toMatchObject({ lower: 12, upper: 12 });
    expect(planSummary(count)).toBe(
      "2026-11-24: 12 (100 %) of 12 installations on core 3.81 or newer",
    );
  });

  it("a trend over the days the group has, each day counted on its own points", () => {
    const p = plan("core:3.80:postgresql:14");
    expect(planDays(p, series)).toEqual([D0, D]);
    // D0: rows 3.79 (12) is not about; 3.80: 25 + other 2 → nothing breaks for sure, up to 2.
    expect(
      planTrend(p, series, [D0, D]).map((c) => [c.lower, c.upper, c.of.installations]),
    ).toEqual([
      [0, 2, 27],
      [6, 9, 56],
    ]);
  });
});

describe("denominators", () => {
  const core: Array<[string, number]> = [
    ["3.21", 5],
    ["3.22", 7],
    ["3.30", 10],
    ["unknown", 2],
  ];

  it("count who can report a fact: PostgreSQL from core 3.22, RBAC from 3.23", () => {
    expect(canReport(core, "postgresql")).toEqual({
      installations: 17,
      of: "installations on core 3.22 or newer",
    });
    expect(canReport(core, "rbac")).toEqual({
      installations: 10,
      of: "installations on core 3.23 or newer",
    });
  });

  it("compare x.y as numbers, unknown never at least anything", () => {
    expect(atLeast("3.10", "3.9")).toBe(true);
    expect(atLeast("3.9", "3.10")).toBe(false);
    expect(atLeast("unknown", "0")).toBe(false);
    expect(denominator(core, (xy) => xy !== "unknown", "any").installations).toBe(22);
  });
});

describe("installed together", () => {
  it("lists pairs of plugins by installations, each as a share of the less used one", () => {
    const on = (n: number): Point[] => [[D, n]];
    const series = new Map<string, Point[]>([
      ["installed__core", on(100)],
      ["installed__file", on(70)],
      ["installed__rpm", on(40)],
      ["installed__container", on(30)],
      // core is on every installation: its pairs say nothing joint and are left out.
      ["together__core__file", on(70)],
      ["together__core__rpm", on(40)],
      ["together__file__rpm", on(28)],
      ["together__container__file", on(21)],
      ["together__container__rpm", on(6)],
    ]);
    expect(togetherOn(series, D)).toEqual([
      { a: "file", b: "rpm", installations: 28, share: 70 },
      { a: "container", b: "file", installations: 21, share: 70 },
      { a: "container", b: "rpm", installations: 6, share: 20 },
    ]);
    // A day without the pair's point: not listed.
    expect(togetherOn(series, D0)).toEqual([]);
  });
});

describe("planYears", () => {
  const asOf = day("2026-02-10");
  it("the years of the range, none before the first one SUMMARY holds", () => {
    expect(planYears(asOf, "90d", [2024, 2025, 2026])).toEqual([2025, 2026]);
    expect(planYears(asOf, "1y", [2026])).toEqual([2026]);
    expect(planYears(asOf, "30d", [2025, 2026])).toEqual([2026]);
    expect(planYears(asOf, "all", [2024, 2025, 2026])).toEqual([2024, 2025, 2026]);
  });
});
