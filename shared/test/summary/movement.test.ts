/**
 * The movement series (summary/movement.ts) through the day's summary (rule.ts), every expected
 * value computed by hand.
 */
import { describe, expect, it } from "vitest";
import type { Facts } from "../../src/checkin/schema";
import { DAY_MS } from "../../src/config/names";
import { SMALL_CELL_K } from "../../src/config/privacy";
import { groupOf, isViewGroup } from "../../src/store/layout";
import { isSeriesKey } from "../../src/summary/keys";
import { compareXy, onReleaseBucket } from "../../src/summary/movement";
import {
  DaySummarizer,
  type SummaryConfig,
  type SystemRecord,
  summarizeDay,
} from "../../src/summary/rule";

const D = Date.UTC(2026, 10, 24);
const config: SummaryConfig = {
  persistentMinAgeDays: 1,
  publishedComponents: new Set(["core", "file", "rpm"]),
  // Established: first seen 2 days before D or more, checked in on D and the day before.
  established: { minAgeDays: 2, minCheckInDays: 2 },
};

/** A component's movement: since `daysAgo` days before D, `previous` x.y, `known` false: a lower bound. */
type Move = { daysAgo: number; previous?: string; known?: boolean };

/**
 * `n` persistent installations running `components` with `movement`; established unless
 * `established` is false (then it checked in on D only).
 */
function many(
  n: number,
  components: Record<string, string>,
  movement: Record<string, Move> | null,
  { established = true, firstSeen = D - 10 * DAY_MS } = {},
): SystemRecord[] {
  const facts: Facts = {
    components: Object.entries(components).map(([name, version]) => ({ name, version })),
    onlineWorkers: null,
    onlineContentApps: null,
    postgresqlVersion: null,
    rbacStats: null,
  };
  const system: SystemRecord = {
    firstSeen,
    lastCheckIn: D + 3_600_000,
    days: established ? [D - DAY_MS, D] : [D],
    facts,
  };
  if (movement) {
    system.movement = new Map(
      Object.entries(movement).map(([name, m]) => [
        name,
        {
          since: D - m.daysAgo * DAY_MS,
          sinceKnown: m.known ?? true,
          ...(m.previous === undefined ? {} : { previous: m.previous }),
        },
      ]),
    );
  }
  return Array.from({ length: n }, () => system);
}

const only = (points: Map<string, number>, family: RegExp) =>
  Object.fromEntries(
    [...points].filter(([key]) => family.test(key)).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );

describe("x.y order", () => {
  it("compares numerically, part by part", () => {
    expect(compareXy("3.9", "3.10")).toBeLessThan(0);
    expect(compareXy("3.10", "3.9")).toBeGreaterThan(0);
    expect(compareXy("4.0", "3.99")).toBeGreaterThan(0);
    expect(compareXy("3.9", "3.9")).toBe(0);
    expect(compareXy("unknown", "3.9")).toBeNull();
  });
});

describe("upgrade paths", () => {
  it("is written for K = 5", () => expect(SMALL_CELL_K).toBe(5));

  const systems = [
    // core 3.9 → 3.10 on D: 5 established (counted), 5 not established (not counted).
    ...many(5, { core: "3.10.2" }, { core: { daysAgo: 0, previous: "3.9" } }),
    ...many(
      5,
      { core: "3.10.0" },
      { core: { daysAgo: 0, previous: "3.9" } },
      { established: false },
    ),
    // Releases skipped: 3.9 → 3.12, 6 of them; 3.9 → 3.11, 2 (under K).
    ...many(6, { core: "3.12.0", file: "1.16.0" }, { core: { daysAgo: 0, previous: "3.9" } }),
    ...many(2, { core: "3.11.0" }, { core: { daysAgo: 0, previous: "3.9" } }),
    // 3.8 → 3.9: a row of one cell under K.
    ...many(3, { core: "3.9.0" }, { core: { daysAgo: 0, previous: "3.8" } }),
    // A downgrade, an addition, yesterday's upgrade, an x.y without movement: no path.
    ...many(5, { core: "3.8.0" }, { core: { daysAgo: 0, previous: "3.9" } }),
    ...many(5, { core: "3.9.0", rpm: "3.28.0" }, { rpm: { daysAgo: 0, previous: "" } }),
    ...many(5, { core: "3.10.0" }, { core: { daysAgo: 1, previous: "3.9" } }),
    ...many(5, { core: "3.10.0" }, null),
    // rpm 3.27 → 3.28: a path of another component, its own table.
    ...many(7, { core: "3.9.0", rpm: "3.28.1" }, { rpm: { daysAgo: 0, previous: "3.27" } }),
  ];
  const points = summarizeDay(D, systems, config).points;

  it("publishes the established upgrades of D under the small-cell rule", () => {
    // Row core 3.9: {3.10: 5, 3.11: 2, 3.12: 6}: 3.11 is under K, the row would then hide one
    // cell, so its smallest other (3.10, 5) joins it: other = 7. Row 3.8: {3.9: 3}, alone.
    expect(only(points, /^upgrades__/)).toEqual({
      "upgrades__core__3.8__other": 3,
      "upgrades__core__3.9__3.12": 6,
      "upgrades__core__3.9__other": 7,
      "upgrades__rpm__3.27__3.28": 7,
    });
  });

  it("puts each component's paths in a joint group of its own", () => {
    expect(groupOf("upgrades__core__3.9__3.12")).toBe("upgrades__core");
    expect(groupOf("upgrades__rpm__3.27__other")).toBe("upgrades__rpm");
    expect(isViewGroup("upgrades__core")).toBe(false);
    for (const key of points.keys()) expect(isSeriesKey(key)).toBe(true);
  });
});

describe("days on the current x.y", () => {
  const at = (days: number, known = true) =>
    many(1, { file: "1.16.3" }, { file: { daysAgo: days, known } });
  const systems = [
    ...[0, 29, 30, 89, 90, 179, 180, 364, 365, 729, 730].flatMap((days) => at(days)),
    // A lower bound counts as the day RAW first knew the x.y.
    ...at(1000, false),
    // Not counted: an x.y first reported after D, an installation without movement, one that
    // is not persistent.
    ...many(1, { file: "1.17.0" }, { file: { daysAgo: -1, previous: "1.16" } }),
    ...many(1, { file: "1.16.0" }, null),
    ...many(1, { file: "1.16.0" }, { file: { daysAgo: 0 } }, { firstSeen: D }),
    // core: 4 installations on 3.20 (no median), 5 on 3.21.
    ...many(4, { core: "3.20.1" }, { core: { daysAgo: 7 } }),
    ...[10, 20, 30, 40, 50].flatMap((days) =>
      many(1, { core: "3.21.0" }, { core: { daysAgo: days } }),
    ),
  ];
  const points = summarizeDay(D, systems, config).points;

  it("buckets by days: [0, 30), [30, 90), [90, 180), [180, 365), [365, 730), 730 on", () => {
    expect(only(points, /^on_release__/)).toEqual({
      on_release__core__under_30d: 6,
      on_release__core__30_90d: 3,
      on_release__file__under_30d: 2,
      on_release__file__30_90d: 2,
      on_release__file__90_180d: 2,
      on_release__file__180_365d: 2,
      on_release__file__1_2y: 2,
      on_release__file__over_2y: 2,
    });
    expect([0, 29, 30, 89, 90, 179, 180, 364, 365, 729, 730].map(onReleaseBucket)).toEqual([
      "under_30d",
      "under_30d",
      "30_90d",
      "30_90d",
      "90_180d",
      "90_180d",
      "180_365d",
      "180_365d",
      "1_2y",
      "1_2y",
      "over_2y",
    ]);
  });

  it("publishes an x.y's median only over at least K installations", () => {
    // file 1.16: 12 values, the median halfway between the 6th and 7th, (179 + 180) / 2.
    expect(only(points, /^on_release_median__/)).toEqual({
      "on_release_median__core__3.21": 30,
      "on_release_median__file__1.16": 179.5,
    });
  });

  it("makes a group per component and family", () => {
    expect(groupOf("on_release__file__1_2y")).toBe("on_release__file");
    expect(groupOf("on_release_median__file__1.16")).toBe("on_release_median__file");
    // Not charted by the page yet: out of `_page` and the weekly history.
    expect(isViewGroup("on_release__file")).toBe(false);
    expect(isViewGroup("left_behind_on")).toBe(false);
    expect(isViewGroup("on_release_median__file")).toBe(false);
    expect(isViewGroup("left_behind")).toBe(false);
    expect(isViewGroup("versions__file")).toBe(true);
  });

  it("admits a median as its x.y's version series: by its established installations", () => {
    const summary = summarizeDay(D, systems, config);
    expect(summary.established.get("on_release_median__core__3.21")).toBe(5);
  });
});

describe("left behind", () => {
  const systems = [
    ...many(3, { core: "3.22.0" }, { core: { daysAgo: 181 } }),
    ...many(5, { core: "3.21.0" }, { core: { daysAgo: 182 } }),
    ...many(5, { core: "3.20.0" }, { core: { daysAgo: 365 } }),
    ...many(1, { core: "3.19.0" }, { core: { daysAgo: 730 } }),
    ...many(
      5,
      { core: "3.18.0", file: "1.0.0" },
      { core: { daysAgo: 800 }, file: { daysAgo: 900 } },
    ),
  ];
  const points = summarizeDay(D, systems, config).points;

  it("counts core's x.y unchanged for 182, 365 and 730 days, by band and x.y under the small-cell rule", () => {
    // Nested counts: 6m 5 + 5 + 1 + 5 = 16, 12m 11, 24m 6. Disjoint bands: 6_12m {3.21: 5},
    // 12_24m {3.20: 5}, over_24m {3.19: 1, 3.18: 5}: 3.19 under K, then the only other cell joins
    // it, other = 6. file's 900 days are no core's.
    expect(only(points, /^left_behind/)).toEqual({
      left_behind__6m: 16,
      left_behind__12m: 11,
      left_behind__24m: 6,
      "left_behind_on__6_12m__3.21": 5,
      "left_behind_on__12_24m__3.20": 5,
      left_behind_on__over_24m__other: 6,
    });
  });

  it("publishes no two band cells whose difference is a hidden count", () => {
    // Nested rows would publish 6m {3.21: 6} and 12m {3.21: 5}: one installation between six and
    // twelve months on 3.21. Bands put it in 6_12m alone, under K, so that row is all remainder.
    const pts = summarizeDay(
      D,
      [
        ...many(1, { core: "3.21.0" }, { core: { daysAgo: 200 } }),
        ...many(5, { core: "3.21.0" }, { core: { daysAgo: 400 } }),
      ],
      config,
    ).points;
    expect(only(pts, /^left_behind_on/)).toEqual({
      left_behind_on__6_12m__other: 1,
      "left_behind_on__12_24m__3.21": 5,
    });
  });

  it("lands in two groups", () => {
    expect(groupOf("left_behind__12m")).toBe("left_behind");
    expect(groupOf("left_behind_on__over_24m__3.18")).toBe("left_behind_on");
    expect(groupOf("left_behind_on__6_12m__other")).toBe("left_behind_on");
  });
});

describe("partial sums", () => {
  it("of two halves absorbed equal one pass", () => {
    const systems = [
      ...many(5, { core: "3.10.2" }, { core: { daysAgo: 0, previous: "3.9" } }),
      ...many(3, { core: "3.11.0", file: "1.2.0" }, { core: { daysAgo: 0, previous: "3.9" } }),
      ...many(
        6,
        { core: "3.9.0", file: "1.2.0" },
        { core: { daysAgo: 400 }, file: { daysAgo: 3 } },
      ),
      ...many(4, { core: "3.9.1" }, { core: { daysAgo: 800, known: false } }),
      ...many(2, { core: "3.8.0" }, { core: { daysAgo: 200 } }, { established: false }),
    ];
    const whole = summarizeDay(D, systems, config);
    const first = new DaySummarizer(D, config);
    const second = new DaySummarizer(D, config);
    systems.forEach((system, i) => {
      (i % 2 === 0 ? first : second).add(system);
    });
    // As the run carries them: through JSON.
    first.absorb(JSON.parse(JSON.stringify(second.partial())));
    const halves = first.result();
    expect([...halves.points].sort()).toEqual([...whole.points].sort());
    expect([...halves.established].sort()).toEqual([...whole.established].sort());
    expect(whole.points.get("on_release_median__core__3.9")).toBe(400);
    expect(whole.points.get("left_behind__12m")).toBe(10);
  });
});
