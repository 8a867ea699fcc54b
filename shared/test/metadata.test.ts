import { describe, expect, it } from "vitest";
import type { Facts } from "../src/checkin";
import { encodeMeta, factsFromMeta, metaBytes, parseMeta } from "../src/metadata";
import { planWrite } from "../src/record";

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

describe("planWrite", () => {
  const checkIn = { systemId: "019357a8-3c2d-7e4f-b123-4567890abcde", ...facts };
  const body = Uint8Array.from([1, 2, 3]);
  const day = Date.parse("2026-11-05T09:00:00Z");
  const stored = (meta: unknown, bytes = body) => ({ metadata: meta, value: bytes.slice().buffer });

  it("a new system is first seen now", () => {
    const plan = planWrite(null, { checkIn, format: "protobuf", body, now: day });
    expect(plan).toMatchObject({ write: true, meta: { f: day, l: day } });
  });

  it("skips an identical payload later the same UTC day", () => {
    const first = encodeMeta(facts, { firstSeen: day, lastCheckIn: day }, "p");
    const plan = planWrite(stored(first), {
      checkIn,
      format: "protobuf",
      body,
      now: day + 3_600_000,
    });
    expect(plan).toEqual({ write: false });
  });

  it("writes a different payload the same day, carrying first seen", () => {
    const first = encodeMeta(facts, { firstSeen: day - 86_400_000 * 9, lastCheckIn: day }, "p");
    const plan = planWrite(stored(first, Uint8Array.from([9])), {
      checkIn,
      format: "protobuf",
      body,
      now: day + 1,
    });
    expect(plan).toMatchObject({ write: true, meta: { f: day - 86_400_000 * 9, l: day + 1 } });
  });

  it("rewrites when the stored metadata is not ours, starting first seen afresh", () => {
    const plan = planWrite(stored({ junk: true }), {
      checkIn,
      format: "json-3.20",
      body,
      now: day,
    });
    expect(plan).toMatchObject({ write: true, meta: { f: day, l: day } });
  });
});
