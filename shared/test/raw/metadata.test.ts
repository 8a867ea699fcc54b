import { describe, expect, it } from "vitest";
import { encodeCheckIn } from "../../src/checkin/encode";
import { type Facts, LIMITS } from "../../src/checkin/schema";
import { DAY_MS, MAX_METADATA_BYTES } from "../../src/config/names";
import { startOfUtcDay } from "../../src/config/time";
import {
  checkInDays,
  daysBefore,
  encodeMeta,
  factsFromMeta,
  metaBytes,
  movementOf,
  parseMeta,
  publishedMeta,
  type RawMeta,
  worstCase,
  worstCaseMetaBytes,
} from "../../src/raw/metadata";
import { planWrite } from "../../src/raw/record";
import { DEFAULT_PUBLISHED_COMPONENTS } from "../../src/summary/rule";
import { replay } from "./replay";

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
      v: 2,
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
    expect(overflow).toEqual({ v: 2, f: times.firstSeen, l: times.lastCheckIn, x: "j" });
    expect(factsFromMeta(overflow)).toBeNull();
  });

  it.each([
    ["nothing", undefined],
    ["a string", "hello"],
    ["another version", { v: 3, f: 1, l: 1, c: [] }],
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
    // With its movement: first reported on 2026-11-05, UTC day 20762.
    expect(plan.write && plan.meta.c).toEqual([["core", "3.63.2", 20762]]);
  });
});

describe("the days with a check-in (d)", () => {
  const checkIn = { systemId: "019357a8-3c2d-7e4f-b123-4567890abcde", ...facts };
  const day0 = Date.parse("2026-11-01T09:00:00Z");
  const at = (days: number, hour = 9) => day0 + days * DAY_MS + (hour - 9) * 3_600_000;
  /** Check-ins at the given times, in that order, through planWrite as ingest does. */
  const history = (...times: number[]): RawMeta =>
    replay(
      times.map((now) => [now, checkIn] as const),
      all,
    ).at(-1) as RawMeta;
  const days = (...offsets: number[]) => offsets.map((d) => startOfUtcDay(at(d)));

  it("a single check-in records its own day only, without d", () => {
    const meta = history(at(0));
    expect(meta.d).toBeUndefined();
    expect(checkInDays(meta)).toEqual(days(0));
  });

  it("daily check-ins are carried forward, counted back from the last", () => {
    const meta = history(at(0), at(1), at(3));
    expect(meta.d).toBe("d"); // 0b1101
    expect(daysBefore(meta)).toEqual([0, 2, 3]);
    expect(checkInDays(meta)).toEqual(days(0, 1, 3));
  });

  it("a second check-in the same day adds no day", () => {
    const meta = history(at(0), at(1), at(1, 20));
    expect(daysBefore(meta)).toEqual([0, 1]);
  });

  it("drops days that leave the 60-day window", () => {
    const meta = history(at(0), at(2), at(60), at(61));
    expect(meta.d).toBe("800000000000003"); // bits 59, 1 and 0
    expect(daysBefore(meta)).toEqual([0, 1, 59]);
    expect(checkInDays(meta)).toEqual(days(2, 60, 61));
  });

  it("an out-of-order check-in keeps the later time and facts and adds its day", () => {
    const meta = history(at(5), at(2));
    expect(meta.l).toBe(at(5));
    expect(meta.f).toBe(at(2));
    expect(daysBefore(meta)).toEqual([0, 3]);
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
      meta: { v: 2, f: at(4), l: at(5), d: "3", x: "j" },
    });
  });

  it.each([
    ["not starting with 0", [1, 2]],
    ["out of order", [0, 3, 2]],
    ["repeated", [0, 2, 2]],
    ["out of the window", [0, 60]],
    ["negative", [0, -1]],
  ])("parseMeta refuses a version 1 d %s", (_why, d) => {
    expect(parseMeta({ v: 1, f: 1, l: 1, c: [], d })).toBeNull();
  });

  it.each([
    ["without the day of l", "2"],
    ["with a leading zero", "03"],
    ["longer than 60 bits", "1000000000000001"],
    ["not hex", "1g1"],
    ["upper case", "F"],
    ["empty", ""],
  ])("parseMeta refuses d %s", (_why, d) => {
    expect(parseMeta({ v: 2, f: 1, l: 1, c: [], d })).toBeNull();
  });

  it("reads a version 1 d as the mask it is equal to", () => {
    const meta = parseMeta({ v: 1, f: 1, l: 1, c: [], d: [0, 4, 59] });
    expect(meta).toEqual({ v: 2, f: 1, l: 1, c: [], d: "800000000000011" });
    expect(meta && daysBefore(meta)).toEqual([0, 4, 59]);
  });
});

describe("the worst case fits in 1024 bytes", () => {
  const published = new Set(DEFAULT_PUBLISHED_COMPONENTS);
  const { facts: worst, times: worstTimes, movement: worstMovement } = worstCase([...published]);
  // Unpublished components cost nothing, however many and long.
  const reported: Facts = {
    ...worst,
    components: [
      ...worst.components,
      ...Array.from({ length: 100 - DEFAULT_PUBLISHED_COMPONENTS.length }, (_, i) => ({
        name: `in_house_${i}_${"x".repeat(50)}`,
        version: "9".repeat(LIMITS.maxVersionLength),
      })),
    ],
  };

  it("is what worstCase says: every default published component at the longest version, every fact, 60 days", () => {
    expect(worst.components).toHaveLength(14);
    expect(worst.components.every((c) => c.version.length === LIMITS.maxVersionLength)).toBe(true);
    expect(worstTimes.earlierDays).toHaveLength(59);
    expect(worst.rbacStats?.users).toBe(LIMITS.maxRbacCount);
    expect(worstMovement.get("galaxy")).toEqual({
      since: 99_999,
      sinceKnown: true,
      previous: "999999.999999",
    });
  });

  it("the facts alone take 809 bytes (963 in version 1: d is 154 bytes shorter)", () => {
    const meta = publishedMeta(reported, worstTimes, published);
    expect(meta.d).toBe("fffffffffffffff");
    expect(metaBytes(meta)).toBe(809);
  });

  it("with every movement entry at its longest, the last 5 non-core ones are dropped to fit", () => {
    const meta = publishedMeta(reported, worstTimes, published, worstMovement);
    expect(meta.x).toBeUndefined();
    expect(meta.c).toHaveLength(14);
    // Each movement entry is `,99999,"999999.999999"`: 22 bytes; all 14 would make 809 + 308 =
    // 1,117 bytes; without the last 5 it is 809 + 9 × 22 = 1,007.
    expect(metaBytes(meta)).toBe(1007);
    const kept = meta.c?.filter((entry) => entry.length === 4).map(([name]) => name);
    expect(kept).toEqual(DEFAULT_PUBLISHED_COMPONENTS.slice(0, 9));
    expect(meta.c?.slice(9).map((entry) => entry.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it("never drops core's movement, wherever core is in the list", () => {
    const coreLast: Facts = { ...worst, components: [...worst.components].reverse() };
    const meta = publishedMeta(coreLast, worstTimes, published, worstMovement);
    expect(meta.c?.at(-1)).toEqual(["core", "9".repeat(32), 99_999, "999999.999999"]);
    expect(meta.c?.filter((entry) => entry.length === 4)).toHaveLength(9);
    expect(metaBytes(meta)).toBe(1007);
  });

  it("worstCaseMetaBytes is the facts and core's movement: 809 + 22 = 831 bytes", () => {
    expect(worstCaseMetaBytes(DEFAULT_PUBLISHED_COMPONENTS)).toBe(831);
    expect(worstCaseMetaBytes(DEFAULT_PUBLISHED_COMPONENTS)).toBeLessThanOrEqual(
      MAX_METADATA_BYTES,
    );
  });

  it("worstCaseMetaBytes grows with the published list, so a deployment's list can be checked", () => {
    const longer = [...DEFAULT_PUBLISHED_COMPONENTS, "a_long_plugin_name_that_is_published"];
    expect(worstCaseMetaBytes(longer)).toBeGreaterThan(
      worstCaseMetaBytes(DEFAULT_PUBLISHED_COMPONENTS),
    );
    // A list whose facts and core's movement pass 1024 bytes is one whose entries can overflow.
    const tooMany = [
      ...DEFAULT_PUBLISHED_COMPONENTS,
      ...Array.from({ length: 4 }, (_, i) => `published_plugin_${i}`),
    ];
    const { facts: f, times: t, movement: m } = worstCase(tooMany);
    expect(worstCaseMetaBytes(tooMany)).toBeGreaterThan(MAX_METADATA_BYTES);
    expect(publishedMeta(f, t, new Set(tooMany), m).x).toBe("p");
  });

  it("a realistic large installation keeps every movement entry", () => {
    const versions = {
      core: "3.85.2",
      file: "3.85.2",
      certguard: "3.85.2",
      rpm: "3.29.4",
      container: "2.24.1",
      ansible: "0.28.1",
      deb: "3.6.1",
      python: "3.18.0",
      gem: "0.7.2",
      maven: "0.11.0",
      ostree: "2.5.0",
      cookbook: "0.1.0b9",
      npm: "0.3.3",
      galaxy: "4.11.0",
    };
    const large: Facts = {
      components: Object.entries(versions).map(([name, version]) => ({ name, version })),
      onlineWorkers: { processes: 480, hosts: 24 },
      onlineContentApps: { processes: 96, hosts: 12 },
      postgresqlVersion: 160004,
      rbacStats: {
        users: 48_211,
        groups: 3_902,
        domains: 117,
        customAccessPolicies: 64,
        customRoles: 251,
      },
    };
    // Every component changed x.y on a check-in, the oldest-looking previous x.y of each.
    const movement = new Map(
      Object.keys(versions).map((name, i) => [
        name,
        { since: 20_400 + i, sinceKnown: true, previous: `${i + 10}.${i + 100}` },
      ]),
    );
    const meta = publishedMeta(
      large,
      {
        firstSeen: Date.UTC(2026, 0, 5, 3, 12),
        lastCheckIn: Date.UTC(2026, 10, 24, 3, 12),
        earlierDays: Array.from({ length: 59 }, (_, i) => i + 1),
      },
      published,
      movement,
    );
    expect(meta.x).toBeUndefined();
    expect(meta.c?.every((entry) => entry.length === 4)).toBe(true);
    expect(movementOf(meta)).toEqual(movement);
    expect(metaBytes(meta)).toBe(614);
  });
});
