import { describe, expect, it } from "vitest";
import { type Facts, versionXY } from "../../src/checkin/schema";
import { DAY_MS } from "../../src/config/names";
import {
  ageDays,
  bucket,
  DEFAULT_PERSISTENT_MIN_AGE_DAYS,
  DEFAULT_PUBLISHED_COMPONENTS,
  isEstablished,
  parseSummaryConfig,
  postgresqlMajor,
  roundMean,
  type SystemRecord,
  summarizeDay,
} from "../../src/summary/rule";

const D = Date.UTC(2026, 10, 24);
const HOUR = 3_600_000;

const facts = (overrides: Partial<Facts>): Facts => ({
  components: [{ name: "core", version: "3.49.1" }],
  onlineWorkers: null,
  onlineContentApps: null,
  postgresqlVersion: null,
  rbacStats: null,
  ...overrides,
});

const config = {
  persistentMinAgeDays: 1,
  publishedComponents: new Set(["core", "file", "rpm"]),
};

describe("versionXY", () => {
  it.each([
    ["3.49.1", "3.49"],
    ["3.20.0.dev", "3.20"],
    ["2.0.0a6", "2.0"],
    ["10.0.0", "10.0"],
    ["1.2rc1", "1.2"],
    ["03.07.1", "3.7"],
    ["3", "unknown"],
    ["3.x", "unknown"],
  ])("%s → %s", (version, expected) => expect(versionXY(version)).toBe(expected));
});

describe("postgresqlMajor", () => {
  it.each([
    [150004, "15"],
    [170001, "17"],
    [100000, "10"],
    [90624, "9.6"],
    [90000, "9.0"],
    [80417, "8.4"],
    [0, "unknown"],
    [null, "unknown"],
  ])("%s → %s", (version, expected) => expect(postgresqlMajor(version)).toBe(expected));
});

describe("bucket", () => {
  it.each([
    [0, "0"],
    [1, "1"],
    [2, "2"],
    [3, "3-4"],
    [4, "3-4"],
    [5, "5-8"],
    [8, "5-8"],
    [9, "9-16"],
    [16, "9-16"],
    [17, "17-32"],
    [32, "17-32"],
    [33, "33-64"],
    [64, "33-64"],
    [65, "65-128"],
    [1024, "513-1024"],
    [1025, "1025-2048"],
    [10_000_000, "8388609-16777216"],
  ])("%i → %s", (count, expected) => expect(bucket(count)).toBe(expected));
});

describe("ageDays counts UTC calendar days", () => {
  it("is 1 for a system first seen one minute before midnight", () => {
    expect(ageDays(D, D - 60_000)).toBe(1);
  });
  it("is 0 for a system first seen at 00:00 of D", () => expect(ageDays(D, D)).toBe(0));
  it("is 0, not negative, when first seen is after D", () => {
    expect(ageDays(D, D + 2 * DAY_MS)).toBe(0);
  });
  it("is 10 across ten days", () => expect(ageDays(D, D - 10 * DAY_MS + 13 * HOUR)).toBe(10));
});

describe("roundMean", () => {
  it.each([
    [4 / 3, 1.33],
    [2 / 3, 0.67],
    [7 / 3, 2.33],
    [2.5, 2.5],
  ])("%f → %f", (value, expected) => expect(roundMean(value)).toBe(expected));
});

describe("parseSummaryConfig", () => {
  it("defaults to production's age and Pulp's public plugins", () => {
    const c = parseSummaryConfig({});
    expect(c.persistentMinAgeDays).toBe(DEFAULT_PERSISTENT_MIN_AGE_DAYS);
    expect(c.persistentMinAgeDays).toBe(1);
    expect([...c.publishedComponents]).toEqual([...DEFAULT_PUBLISHED_COMPONENTS]);
  });
  it("reads the variables", () => {
    const c = parseSummaryConfig({
      persistentMinAgeDays: "0",
      publishedComponents: " core, file ,,",
    });
    expect(c.persistentMinAgeDays).toBe(0);
    expect([...c.publishedComponents]).toEqual(["core", "file"]);
  });
  it("treats an explicitly empty allowlist as publishing no component", () => {
    expect(parseSummaryConfig({ publishedComponents: "" }).publishedComponents.size).toBe(0);
  });
  it("refuses a malformed age instead of guessing", () => {
    expect(() => parseSummaryConfig({ persistentMinAgeDays: "one" })).toThrow(
      /PERSISTENT_MIN_AGE_DAYS/,
    );
  });
});

describe("summarizeDay", () => {
  const systems: SystemRecord[] = [
    {
      // A: ten days old, everything reported, one in-house plugin.
      firstSeen: D - 10 * DAY_MS + 13 * HOUR,
      lastCheckIn: D + 9 * HOUR,
      facts: facts({
        components: [
          { name: "core", version: "3.49.1" },
          { name: "file", version: "1.16.0" },
          { name: "inhouse", version: "0.1.0" },
        ],
        onlineWorkers: { processes: 2, hosts: 1 },
        onlineContentApps: { processes: 4, hosts: 2 },
        postgresqlVersion: 150004,
        rbacStats: { users: 0, groups: 1, domains: 2, customAccessPolicies: 3, customRoles: 5 },
      }),
    },
    {
      // B: first seen a minute before D (age 1), last check-in at the last millisecond of D.
      firstSeen: D - 60_000,
      lastCheckIn: D + DAY_MS - 1,
      facts: facts({
        components: [
          { name: "core", version: "3.20.0.dev" },
          { name: "rpm", version: "2.0.0a6" },
        ],
        onlineWorkers: { processes: 3, hosts: 3 },
        postgresqlVersion: 90624,
        rbacStats: { users: 4, groups: 8, domains: 9, customAccessPolicies: 16, customRoles: 17 },
      }),
    },
    {
      // C: new on D, so not persistent: counted in total and age only.
      firstSeen: D,
      lastCheckIn: D + 10 * HOUR,
      facts: facts({
        components: [{ name: "core", version: "10.0.0" }],
        onlineWorkers: { processes: 100, hosts: 50 },
        rbacStats: { users: 1, groups: 1, domains: 1, customAccessPolicies: 1, customRoles: 1 },
      }),
    },
    {
      // G: content apps reported as zero (a real value), PostgreSQL reported as 0 (unknown).
      firstSeen: D - 2 * DAY_MS,
      lastCheckIn: D + 12 * HOUR,
      facts: facts({
        components: [{ name: "core", version: "3.49.0" }],
        onlineContentApps: { processes: 0, hosts: 0 },
        postgresqlVersion: 0,
      }),
    },
    // Latest check-ins on other days: not in D's population.
    { firstSeen: D - 40 * DAY_MS, lastCheckIn: D - 1, facts: facts({}) },
    { firstSeen: D - 40 * DAY_MS, lastCheckIn: D + DAY_MS, facts: facts({}) },
  ];

  it("computes every series kind by hand", () => {
    const summary = summarizeDay(D, systems, config);
    expect(summary.day).toBe(D);
    expect(summary.systems).toBe(4);
    expect(summary.persistent).toBe(3);
    expect(Object.fromEntries([...summary.points].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual({
      age__0: 1,
      age__1: 1,
      // Joint series (joint.test.ts has them in depth): every cell is under K = 5, so each row
      // is its remainder, and the pairs (1 each) are left out.
      "core_postgresql__3.20__other": 1,
      "core_postgresql__3.49__other": 2,
      installed__core: 3,
      installed__file: 1,
      installed__rpm: 1,
      "plugin_core__file__1.16__other": 1,
      "plugin_core__rpm__2.0__other": 1,
      age__2: 1,
      "age__9-16": 1,
      online_content_apps__hosts__max: 2,
      online_content_apps__hosts__mean: 1,
      online_content_apps__hosts__min: 0,
      online_content_apps__hosts__p50: 1,
      online_content_apps__hosts__p90: 1.8,
      online_content_apps__processes__max: 4,
      online_content_apps__processes__mean: 2,
      online_content_apps__processes__min: 0,
      online_content_apps__processes__p50: 2,
      online_content_apps__processes__p90: 3.6,
      online_workers__hosts__max: 3,
      online_workers__hosts__mean: 2,
      online_workers__hosts__min: 1,
      online_workers__hosts__p50: 2,
      online_workers__hosts__p90: 2.8,
      online_workers__processes__max: 3,
      online_workers__processes__mean: 2.5,
      online_workers__processes__min: 2,
      online_workers__processes__p50: 2.5,
      online_workers__processes__p90: 2.9,
      postgresql__15: 1,
      "postgresql__9.6": 1,
      postgresql__unknown: 1,
      "rbac__custom_access_policies__3-4": 1,
      "rbac__custom_access_policies__9-16": 1,
      "rbac__custom_roles__17-32": 1,
      "rbac__custom_roles__5-8": 1,
      rbac__domains__2: 1,
      "rbac__domains__9-16": 1,
      rbac__groups__1: 1,
      "rbac__groups__5-8": 1,
      rbac__users__0: 1,
      "rbac__users__3-4": 1,
      systems__persistent: 3,
      systems__total: 4,
      "versions__core__3.20": 1,
      "versions__core__3.49": 2,
      "versions__file__1.16": 1,
      "versions__rpm__2.0": 1,
      "versions_xyz__core__3.20.0.dev": 1,
      "versions_xyz__core__3.49.0": 1,
      "versions_xyz__core__3.49.1": 1,
      "versions_xyz__file__1.16.0": 1,
      "versions_xyz__rpm__2.0.0a6": 1,
    });
  });

  it("never publishes a component off the allowlist", () => {
    const keys = [...summarizeDay(D, systems, config).points.keys()];
    expect(keys.filter((k) => k.includes("inhouse"))).toEqual([]);
    const none = summarizeDay(D, systems, { ...config, publishedComponents: new Set() });
    expect([...none.points.keys()].filter((k) => k.startsWith("versions"))).toEqual([]);
  });

  it("counts every system as persistent when the minimum age is 0 (dev)", () => {
    const summary = summarizeDay(D, systems, { ...config, persistentMinAgeDays: 0 });
    expect(summary.persistent).toBe(4);
    expect(summary.points.get("versions__core__10.0")).toBe(1);
    expect(summary.points.get("versions_xyz__core__10.0.0")).toBe(1);
    expect(summary.points.get("online_workers__processes__max")).toBe(100);
    expect(summary.points.get("online_workers__processes__mean")).toBe(35);
    expect(summary.points.get("online_workers__hosts__mean")).toBe(18);
    expect(summary.points.get("rbac__users__1")).toBe(1);
    expect(summary.points.get("postgresql__unknown")).toBe(2);
  });

  it("gives the median and 90th percentile exactly, interpolating between ranks", () => {
    const of = (...processes: number[]) =>
      summarizeDay(
        D,
        processes.map((n) => ({
          firstSeen: D - DAY_MS,
          lastCheckIn: D,
          facts: facts({ onlineWorkers: { processes: n, hosts: 1 } }),
        })),
        config,
      ).points;
    // Sorted 1 1 2 3 10: the median is the third; p90 at rank 3.6 is 3 + 0.6 × (10 − 3).
    const five = of(10, 1, 3, 1, 2);
    expect(five.get("online_workers__processes__p50")).toBe(2);
    expect(five.get("online_workers__processes__p90")).toBe(7.2);
    expect(five.get("online_workers__processes__mean")).toBe(3.4);
    // One huge deployment pulls the mean, not the median.
    const skewed = of(2, 2, 3, 2, 400);
    expect(skewed.get("online_workers__processes__mean")).toBe(81.8);
    expect(skewed.get("online_workers__processes__p50")).toBe(2);
    const one = of(5);
    expect(one.get("online_workers__processes__p50")).toBe(5);
    expect(one.get("online_workers__processes__p90")).toBe(5);
  });

  it("rounds the mean to two decimals", () => {
    const three = [1, 1, 2].map((processes) => ({
      firstSeen: D - DAY_MS,
      lastCheckIn: D,
      facts: facts({ onlineWorkers: { processes, hosts: 1 } }),
    }));
    expect(summarizeDay(D, three, config).points.get("online_workers__processes__mean")).toBe(1.33);
  });

  it("gives no point to a stat nobody reported and no zero counts", () => {
    const summary = summarizeDay(D, systems.slice(2, 3), config);
    expect(Object.fromEntries(summary.points)).toEqual({ age__0: 1, systems__total: 1 });
  });

  it("drops a key the site would refuse, keeping the rest of that system", () => {
    const odd = [
      {
        firstSeen: D - DAY_MS,
        lastCheckIn: D,
        facts: facts({
          components: [{ name: "core", version: "1.0 beta" }],
        }),
      },
    ];
    const keys = [...summarizeDay(D, odd, config).points.keys()];
    expect(keys).toContain("versions__core__1.0");
    expect(keys.filter((k) => k.startsWith("versions_xyz__"))).toEqual([]);
  });

  it("gives an empty day no points at all", () => {
    const summary = summarizeDay(D, [], config);
    expect(summary).toEqual({
      day: D,
      systems: 0,
      persistent: 0,
      points: new Map(),
      established: new Map(),
    });
  });
});

describe("established installations (config/privacy.ts)", () => {
  const rule = { minAgeDays: 14, minCheckInDays: 7 };
  const daily = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => D - (to - i) * DAY_MS).filter(
      (d) => d <= D - from * DAY_MS,
    );
  const system = (firstSeenDaysAgo: number, days: number[]): SystemRecord => ({
    firstSeen: D - firstSeenDaysAgo * DAY_MS + HOUR,
    lastCheckIn: (days[days.length - 1] as number) + HOUR,
    days,
    facts: facts({}),
  });

  it("needs the age and the check-in days, counting only days up to D", () => {
    // 14 days old with a check-in on each of the last 7 days up to D: established.
    expect(isEstablished(D, system(14, daily(0, 6)), rule)).toBe(true);
    // Six check-in days are one short; 13 days old is a day short.
    expect(isEstablished(D, system(14, daily(0, 5)), rule)).toBe(false);
    expect(isEstablished(D, system(13, daily(0, 6)), rule)).toBe(false);
    // Check-in days after D do not count for D (a rerun of D later decides as the first run).
    const later = [...daily(0, 2), D + DAY_MS, D + 2 * DAY_MS, D + 3 * DAY_MS, D + 4 * DAY_MS];
    expect(
      isEstablished(
        D,
        system(
          30,
          later.sort((a, b) => a - b),
        ),
        rule,
      ),
    ).toBe(false);
    // Nor do days before the 14 up to D.
    expect(isEstablished(D, system(60, daily(14, 30)), rule)).toBe(false);
    // No rule: every installation is.
    expect(isEstablished(D, system(0, [D]), undefined)).toBe(true);
  });

  it("padding a rare cell with fresh installations does not make it publishable", () => {
    const withPg = (record: SystemRecord, core: string, pg: number): SystemRecord => ({
      ...record,
      facts: facts({ components: [{ name: "core", version: core }], postgresqlVersion: pg }),
    });
    // 20 established installations on core 3.49 × PostgreSQL 15; one established installation
    // on a rare core 3.21 × PostgreSQL 9.6, the setup a stranger wants to follow.
    const real = [
      ...Array.from({ length: 20 }, () => withPg(system(40, daily(0, 13)), "3.49.1", 150004)),
      withPg(system(40, daily(0, 13)), "3.21.0", 90624),
    ];
    // Four fakes with the same setup, posting on two days: K − 1 of padding.
    const fakes = Array.from({ length: 4 }, () => withPg(system(1, daily(0, 1)), "3.21.0", 90624));
    const production = { ...config, established: rule };
    const padded = summarizeDay(D, [...real, ...fakes], production).points;
    // Counted over everyone, the cell would be 5 = K and published (the attack).
    const everyone = summarizeDay(D, [...real, ...fakes], config).points;
    expect(everyone.get("core_postgresql__3.21__9.6")).toBe(5);
    // Counted over established installations, it is 1: hidden, and the row stays exact.
    expect(padded.has("core_postgresql__3.21__9.6")).toBe(false);
    expect(padded.get("core_postgresql__3.21__other")).toBe(1);
    // The marginal of the same population: the table's total.
    expect(padded.get("installed__core")).toBe(21);
    // The single-fact series still count every persistent installation, fakes included.
    expect(padded.get("versions__core__3.21")).toBe(5);
  });
});
