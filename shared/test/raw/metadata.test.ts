import { describe, expect, it } from "vitest";
import { encodeCheckIn } from "../../src/checkin/encode";
import { type Facts, LIMITS } from "../../src/checkin/schema";
import { DAY_MS, MAX_METADATA_BYTES } from "../../src/config/names";
import { startOfUtcDay } from "../../src/config/time";
import {
  checkInDays,
  encodeMeta,
  factsFromMeta,
  metaBytes,
  parseMeta,
  publishedMeta,
  type RawMeta,
  worstCaseMetaBytes,
} from "../../src/raw/metadata";
import { planWrite } from "../../src/raw/record";
import { DEFAULT_PUBLISHED_COMPONENTS } from "../../src/summary/rule";

const facts: Facts = {
  components: [
    { name: "core", version: "3.63.2" },
    { name: "container", version: "2.19.0" },
  ],
  onlineWorkers: { processes: 0, hosts: 0 },
  onlineContentApps: { processes: 3, hosts: 3 },
  postgresqlVersion: 160004,
  rbacStats: { users: 12, groups: 3, domains: 0, customAccessPolicies: 0, customRoles: 1 },
};
const times = { firstSeen: 1_700_000_000_000, lastCheckIn: 1_700_086_400_000 };

describe("metadata codec", () => {
  it("round-trips every fact", () => {
    const meta = encodeMeta(facts, times, "p");
    expect(meta).toEqual({
      v: 1,
      f: times.firstSeen,
      l: times.lastCheckIn,
      c: [
        ["core", "3.63.2"],
        ["container", "2.19.0"],
      ],
      w: [0, 0],
      a: [3, 3],
      p: 160004,
      r: [12, 3, 0, 0, 1],
    });
    const parsed = parseMeta(JSON.parse(JSON.stringify(meta)));
    expect(parsed && factsFromMeta(parsed)).toEqual(facts);
  });

  it("leaves what was not reported out, and reads it back as not reported", () => {
    const old: Facts = { ...facts, postgresqlVersion: null, rbacStats: null, onlineWorkers: null };
    const meta = encodeMeta(old, times, "p");
    expect(Object.keys(meta).sort()).toEqual(["a", "c", "f", "l", "v"]);
    expect(factsFromMeta(meta)).toEqual(old);
  });

  it("switches to the overflow marker exactly when the facts would pass 1024 bytes", () => {
    const withComponents = (n: number, versionLength: number): Facts => ({
      ...facts,
      components: Array.from({ length: n }, (_, i) => ({
        name: `p${i}`,
        version: `1.${"0".repeat(versionLength)}`,
      })),
    });
    let n = 1;
    while (!("x" in encodeMeta(withComponents(n, 20), times, "j"))) {
      const meta = encodeMeta(withComponents(n, 20), times, "j");
      expect(metaBytes(meta)).toBeLessThanOrEqual(1024);
      n++;
    }
    expect(metaBytes(encodeMeta(withComponents(n - 1, 20), times, "j"))).toBeGreaterThan(1024 - 40);
    const overflow = encodeMeta(withComponents(n, 20), times, "j");
    expect(overflow).toEqual({ v: 1, f: times.firstSeen, l: times.lastCheckIn, x: "j" });
    expect(factsFromMeta(overflow)).toBeNull();
  });

  it.each([
    ["nothing", undefined],
    ["a string", "hello"],
    ["another version", { v: 2, f: 1, l: 1, c: [] }],
    ["both facts and overflow", { v: 1, f: 1, l: 1, c: [], x: "p" }],
    ["neither facts nor overflow", { v: 1, f: 1, l: 1 }],
    ["a negative time", { v: 1, f: -1, l: 1, c: [] }],
    ["a malformed pair", { v: 1, f: 1, l: 1, c: [], w: [1] }],
  ])("rejects %s", (_name, value) => {
    expect(parseMeta(value)).toBeNull();
  });
});

const all = new Set(["core", "container"]);

describe("planWrite", () => {
  const checkIn = { systemId: "019357a8-3c2d-7e4f-b123-4567890abcde", ...facts };
  const day = Date.parse("2026-11-05T09:00:00Z");
  const value = encodeCheckIn(checkIn);
  const stored = (meta: unknown, bytes = value) => ({
    metadata: meta,
    value: bytes.slice().buffer,
  });
  const incoming = (now: number, c = checkIn) => ({ checkIn: c, now, published: all });

  it("a new system is first seen now, and the value is the re-encoded check-in", () => {
    const plan = planWrite(null, incoming(day));
    expect(plan).toMatchObject({ write: true, meta: { f: day, l: day } });
    expect(plan.write && plan.value).toEqual(value);
    expect(plan.write && plan.meta.d).toBeUndefined();
  });

  it("skips the same facts later the same UTC day", () => {
    const first = encodeMeta(facts, { firstSeen: day, lastCheckIn: day }, "p");
    expect(planWrite(stored(first), incoming(day + 3_600_000))).toEqual({ write: false });
  });

  it("rewrites once an entry stored verbatim by an older ingest, the same day", () => {
    const first = encodeMeta(facts, { firstSeen: day, lastCheckIn: day }, "j");
    const verbatim = new TextEncoder().encode(JSON.stringify(checkIn));
    const plan = planWrite(stored(first, verbatim), incoming(day + 60_000));
    expect(plan).toMatchObject({ write: true, meta: { f: day, l: day + 60_000 } });
    expect(plan.write && plan.value).toEqual(value);
  });

  it("writes different facts the same day, carrying first seen", () => {
    const first = encodeMeta(facts, { firstSeen: day - 86_400_000 * 9, lastCheckIn: day }, "p");
    const changed = { ...checkIn, postgresqlVersion: 170001 };
    const plan = planWrite(stored(first), incoming(day + 60_000, changed));
    expect(plan).toMatchObject({ write: true, meta: { f: day - 86_400_000 * 9, l: day + 60_000 } });
  });

  it("rewrites when the stored metadata is not ours, starting first seen afresh", () => {
    const plan = planWrite(stored({ junk: true }), incoming(day));
    expect(plan).toMatchObject({ write: true, meta: { f: day, l: day } });
  });

  it("stores times to the minute, never finer", () => {
    const at = Date.parse("2026-11-01T09:41:27.913Z");
    const plan = planWrite(null, incoming(at));
    const minute = Date.parse("2026-11-01T09:41:00Z");
    expect(plan).toMatchObject({ write: true, meta: { f: minute, l: minute } });
    // A first seen stored to the millisecond by an older ingest is cut too at the next write.
    const old = encodeMeta(
      facts,
      { firstSeen: at - 86_400_000, lastCheckIn: at - 86_400_000 },
      "p",
    );
    const next = planWrite(stored(old), incoming(at));
    expect(next).toMatchObject({ write: true, meta: { f: minute - 86_400_000, l: minute } });
  });

  it("keeps only the published components in c", () => {
    const plan = planWrite(null, { ...incoming(day), published: new Set(["core"]) });
    expect(plan.write && plan.meta.c).toEqual([["core", "3.63.2"]]);
  });
});

describe("the days with a check-in (d)", () => {
  const checkIn = { systemId: "019357a8-3c2d-7e4f-b123-4567890abcde", ...facts };
  const day0 = Date.parse("2026-11-01T09:00:00Z");
  const at = (days: number, hour = 9) => day0 + days * DAY_MS + (hour - 9) * 3_600_000;
  /** Check-ins at the given times, in that order, through planWrite as ingest does. */
  function history(...times: number[]): RawMeta {
    let current: { metadata: unknown; value: ArrayBuffer } | null = null;
    for (const now of times) {
      const plan = planWrite(current, { checkIn, now, published: all });
      if (plan.write) {
        current = {
          metadata: JSON.parse(JSON.stringify(plan.meta)),
          value: plan.value.slice().buffer,
        };
      }
    }
    const meta = parseMeta(current?.metadata);
    if (!meta) throw new Error("no metadata");
    return meta;
  }
  const days = (...offsets: number[]) => offsets.map((d) => startOfUtcDay(at(d)));

  it("a single check-in records its own day only, without d", () => {
    const meta = history(at(0));
    expect(meta.d).toBeUndefined();
    expect(checkInDays(meta)).toEqual(days(0));
  });

  it("daily check-ins are carried forward, counted back from the last", () => {
    const meta = history(at(0), at(1), at(3));
    expect(meta.d).toEqual([0, 2, 3]);
    expect(checkInDays(meta)).toEqual(days(0, 1, 3));
  });

  it("a second check-in the same day adds no day", () => {
    const meta = history(at(0), at(1), at(1, 20));
    expect(meta.d).toEqual([0, 1]);
  });

  it("drops days that leave the 60-day window", () => {
    const meta = history(at(0), at(2), at(60), at(61));
    expect(meta.d).toEqual([0, 1, 59]);
    expect(checkInDays(meta)).toEqual(days(2, 60, 61));
  });

  it("an out-of-order check-in keeps the later time and facts and adds its day", () => {
    const meta = history(at(5), at(2));
    expect(meta.l).toBe(at(5));
    expect(meta.f).toBe(at(2));
    expect(meta.d).toEqual([0, 3]);
    expect(checkInDays(meta)).toEqual(days(2, 5));
  });

  it("an out-of-order check-in on a recorded day writes nothing", () => {
    const first = history(at(2), at(5));
    const plan = planWrite(
      { metadata: first, value: encodeCheckIn(checkIn).slice().buffer },
      { checkIn, now: at(2, 20), published: all },
    );
    expect(plan).toEqual({ write: false });
  });

  it("an out-of-order check-in older than the window only moves first seen", () => {
    const meta = history(at(70), at(1));
    expect(meta.d).toBeUndefined();
    expect(meta.f).toBe(at(1));
    expect(checkInDays(meta)).toEqual(days(70));
  });

  it("an out-of-order check-in keeps an old overflow entry's value and marker", () => {
    const overflow = { v: 1, f: at(5), l: at(5), x: "j" };
    const value = new TextEncoder().encode("{}");
    const plan = planWrite(
      { metadata: overflow, value: value.slice().buffer },
      { checkIn, now: at(4), published: all },
    );
    expect(plan).toEqual({
      write: true,
      value,
      meta: { v: 1, f: at(4), l: at(5), x: "j", d: [0, 1] },
    });
  });

  it.each([
    ["not starting with 0", [1, 2]],
    ["out of order", [0, 3, 2]],
    ["repeated", [0, 2, 2]],
    ["out of the window", [0, 60]],
    ["negative", [0, -1]],
  ])("parseMeta refuses d %s", (_why, d) => {
    expect(parseMeta({ v: 1, f: 1, l: 1, c: [], d })).toBeNull();
  });
});

describe("the worst case fits in 1024 bytes", () => {
  it("every default published component at the longest version, every fact, 60 days", () => {
    const worst: Facts = {
      components: [
        ...DEFAULT_PUBLISHED_COMPONENTS.map((name) => ({
          name,
          version: "9".repeat(LIMITS.maxVersionLength),
        })),
        // Unpublished components cost nothing, however many and long.
        ...Array.from({ length: 100 - DEFAULT_PUBLISHED_COMPONENTS.length }, (_, i) => ({
          name: `in_house_${i}_${"x".repeat(50)}`,
          version: "9".repeat(LIMITS.maxVersionLength),
        })),
      ],
      onlineWorkers: { processes: LIMITS.maxProcesses, hosts: LIMITS.maxProcesses },
      onlineContentApps: { processes: LIMITS.maxProcesses, hosts: LIMITS.maxProcesses },
      postgresqlVersion: LIMITS.maxPostgresqlVersion,
      rbacStats: {
        users: LIMITS.maxRbacCount,
        groups: LIMITS.maxRbacCount,
        domains: LIMITS.maxRbacCount,
        customAccessPolicies: LIMITS.maxRbacCount,
        customRoles: LIMITS.maxRbacCount,
      },
    };
    // Epoch ms keep 13 digits until the year 2286.
    const latest = 9_999_999_999_999;
    const meta = publishedMeta(
      worst,
      {
        firstSeen: latest,
        lastCheckIn: latest,
        earlierDays: Array.from({ length: 59 }, (_, i) => i + 1),
      },
      new Set(DEFAULT_PUBLISHED_COMPONENTS),
    );
    expect(meta.x).toBeUndefined();
    expect(meta.c).toHaveLength(DEFAULT_PUBLISHED_COMPONENTS.length);
    expect(meta.d).toHaveLength(60);
    expect(metaBytes(meta)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(worstCaseMetaBytes(DEFAULT_PUBLISHED_COMPONENTS)).toBe(metaBytes(meta));
  });

  it("worstCaseMetaBytes grows with the published list, so a deployment's list can be checked", () => {
    const longer = [...DEFAULT_PUBLISHED_COMPONENTS, "a_long_plugin_name_that_is_published"];
    expect(worstCaseMetaBytes(longer)).toBeGreaterThan(
      worstCaseMetaBytes(DEFAULT_PUBLISHED_COMPONENTS),
    );
  });
});
