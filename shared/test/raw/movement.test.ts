/**
 * RAW remembers movement: per published component, the UTC day its current x.y was first
 * reported and the x.y before it. Check-ins go through planWrite as ingest sends them; days are
 * UTC day numbers, worked out by hand: 2026-11-01 is day 20758.
 */
import { describe, expect, it } from "vitest";
import { encodeCheckIn } from "../../src/checkin/encode";
import type { CheckIn } from "../../src/checkin/schema";
import { DAY_MS } from "../../src/config/names";
import { daysBefore, movementOf, parseMeta, type RawMeta } from "../../src/raw/metadata";
import type { Stored } from "../../src/raw/record";
import { replay } from "./replay";

const D0 = 20758;
const day0 = Date.parse("2026-11-01T09:00:00Z");
const at = (days: number) => day0 + days * DAY_MS;
const published = new Set(["core", "rpm", "file"]);

const checkIn = (components: Record<string, string>): CheckIn => ({
  systemId: "019357a8-3c2d-7e4f-b123-4567890abcde",
  components: Object.entries(components).map(([name, version]) => ({ name, version })),
  onlineWorkers: null,
  onlineContentApps: null,
  postgresqlVersion: 160004,
  rbacStats: null,
});

/** Each step a check-in at a time, in that order, written as ingest would; the metadata after each. */
const history = (steps: [number, Record<string, string>][], start: Stored | null = null) =>
  replay(
    steps.map(([now, components]) => [now, checkIn(components)] as const),
    published,
    start,
  );
const last = (steps: [number, Record<string, string>][], start: Stored | null = null) =>
  history(steps, start).at(-1);

describe("movement across check-ins", () => {
  it("a first check-in: every published component first reported today, nothing before", () => {
    const meta = last([[at(0), { core: "3.49.1", rpm: "3.19.2", in_house: "1.0.0" }]]);
    expect(meta?.c).toEqual([
      ["core", "3.49.1", D0],
      ["rpm", "3.19.2", D0],
    ]);
    expect(movementOf(meta as RawMeta).get("core")).toEqual({ since: D0, sinceKnown: true });
  });

  it("an upgrade: since the day of the check-in that first reports it, from the x.y before", () => {
    const [first, patch, upgrade, later] = history([
      [at(0), { core: "3.49.1" }],
      [at(1), { core: "3.49.2" }],
      [at(3), { core: "3.50.0" }],
      [at(5), { core: "3.50.1" }],
    ]);
    expect(first?.c).toEqual([["core", "3.49.1", D0]]);
    // A new patch release of the same x.y is no movement.
    expect(patch?.c).toEqual([["core", "3.49.2", D0]]);
    expect(upgrade?.c).toEqual([["core", "3.50.0", D0 + 3, "3.49"]]);
    // Carried, the x.y before and the day of the change with it.
    expect(later?.c).toEqual([["core", "3.50.1", D0 + 3, "3.49"]]);
    expect(movementOf(later as RawMeta).get("core")).toEqual({
      since: D0 + 3,
      sinceKnown: true,
      previous: "3.49",
    });
  });

  it("skipped releases: 3.21 straight to 3.49 is one change", () => {
    const meta = last([
      [at(0), { core: "3.21.4" }],
      [at(2), { core: "3.49.1" }],
    ]);
    expect(meta?.c).toEqual([["core", "3.49.1", D0 + 2, "3.21"]]);
  });

  it("a downgrade (a restored backup) keeps the higher x.y as the previous one", () => {
    const [, down, stays] = history([
      [at(0), { core: "3.50.0" }],
      [at(1), { core: "3.49.1" }],
      [at(2), { core: "3.49.1" }],
    ]);
    expect(down?.c).toEqual([["core", "3.49.1", D0 + 1, "3.50"]]);
    expect(stays?.c).toEqual([["core", "3.49.1", D0 + 1, "3.50"]]);
  });

  it("x.y compare numerically: 3.9 to 3.10 and 10.0 to 9.2 are recorded as reported", () => {
    const [, up, down] = history([
      [at(0), { core: "3.9.0", rpm: "10.0.0" }],
      [at(1), { core: "3.10.0", rpm: "10.0.0" }],
      [at(2), { core: "3.10.0", rpm: "9.2.0" }],
    ]);
    expect(up?.c).toEqual([
      ["core", "3.10.0", D0 + 1, "3.9"],
      ["rpm", "10.0.0", D0],
    ]);
    expect(down?.c?.[1]).toEqual(["rpm", "9.2.0", D0 + 2, "10.0"]);
  });

  it("a component added, removed and re-added is added each time, never upgraded", () => {
    const [, added, carried, removed, readded] = history([
      [at(0), { core: "3.49.1" }],
      [at(1), { core: "3.49.1", rpm: "3.19.2" }],
      [at(2), { core: "3.49.1", rpm: "3.19.3" }],
      [at(3), { core: "3.49.1" }],
      [at(4), { core: "3.49.1", rpm: "3.20.0" }],
    ]);
    expect(added?.c).toEqual([
      ["core", "3.49.1", D0],
      ["rpm", "3.19.2", D0 + 1, ""],
    ]);
    expect(carried?.c?.[1]).toEqual(["rpm", "3.19.3", D0 + 1, ""]);
    expect(removed?.c).toEqual([["core", "3.49.1", D0]]);
    // Not "3.19 → 3.20": the check-in before did not report rpm.
    expect(readded?.c).toEqual([
      ["core", "3.49.1", D0],
      ["rpm", "3.20.0", D0 + 4, ""],
    ]);
  });

  it("a gap of weeks: the change is dated by the first check-in that reports it", () => {
    const meta = last([
      [at(0), { core: "3.49.1" }],
      [at(21), { core: "3.52.0" }],
    ]);
    expect(meta?.c).toEqual([["core", "3.52.0", D0 + 21, "3.49"]]);
    expect(daysBefore(meta as RawMeta)).toEqual([0, 21]);
  });

  it("since is carried beyond the 60-day window, after the days themselves are forgotten", () => {
    const [, , , ninety, change] = history([
      [at(0), { core: "3.49.1" }],
      [at(30), { core: "3.49.1" }],
      [at(60), { core: "3.49.3" }],
      [at(90), { core: "3.49.4" }],
      [at(100), { core: "3.50.0" }],
    ]);
    expect(daysBefore(ninety as RawMeta)).toEqual([0, 30]);
    expect(ninety?.c).toEqual([["core", "3.49.4", D0]]);
    expect(change?.c).toEqual([["core", "3.50.0", D0 + 100, "3.49"]]);
  });

  it("an out-of-order check-in keeps the stored latest facts and movement", () => {
    const [, latest, older] = history([
      [at(0), { core: "3.49.1" }],
      [at(5), { core: "3.50.0" }],
      [at(2), { core: "3.48.0", rpm: "3.19.2" }],
    ]);
    expect(latest?.c).toEqual([["core", "3.50.0", D0 + 5, "3.49"]]);
    expect(older?.c).toEqual(latest?.c);
    expect(older?.l).toBe(at(5));
    expect(daysBefore(older as RawMeta)).toEqual([0, 3, 5]);
  });
});

describe("entries without movement", () => {
  const v1 = (l: number) => ({
    metadata: {
      v: 1,
      f: at(0),
      l,
      c: [
        ["core", "3.49.1"],
        ["rpm", "3.19.2"],
      ],
      d: [0, 3],
    },
    value: encodeCheckIn(checkIn({ core: "3.49.1", rpm: "3.19.2" })).slice().buffer,
  });

  it("a version 1 entry parses, with no movement", () => {
    const meta = parseMeta(v1(at(3)).metadata);
    expect(meta).toEqual({
      v: 2,
      f: at(0),
      l: at(3),
      c: [
        ["core", "3.49.1"],
        ["rpm", "3.19.2"],
      ],
      d: "9",
    });
    expect(movementOf(meta as RawMeta).size).toBe(0);
  });

  it("a version 1 entry migrates: the same x.y since at least its last day, a change known", () => {
    const [next, after] = history(
      [
        [at(5), { core: "3.49.2", rpm: "3.20.0" }],
        [at(6), { core: "3.49.2", rpm: "3.20.0" }],
      ],
      v1(at(3)),
    );
    // core was reported on day 3 (20761) and maybe long before: a lower bound, negative.
    expect(next?.c).toEqual([
      ["core", "3.49.2", -(D0 + 3)],
      ["rpm", "3.20.0", D0 + 5, "3.19"],
    ]);
    expect(after?.c).toEqual(next?.c);
    expect(movementOf(after as RawMeta).get("core")).toEqual({
      since: D0 + 3,
      sinceKnown: false,
    });
    expect(daysBefore(after as RawMeta)).toEqual([0, 1, 3, 6]);
  });

  it("an out-of-order check-in on a version 1 entry writes version 2, history unknown", () => {
    const meta = last([[at(1), { core: "3.48.0" }]], v1(at(3)));
    expect(meta?.c).toEqual([
      ["core", "3.49.1", -(D0 + 3)],
      ["rpm", "3.19.2", -(D0 + 3)],
    ]);
    expect(daysBefore(meta as RawMeta)).toEqual([0, 2, 3]);
  });

  it("a component whose movement was dropped to fit gets a lower bound back", () => {
    const dropped = {
      metadata: {
        v: 2,
        f: at(0),
        l: at(3),
        c: [
          ["core", "3.49.1", D0],
          ["rpm", "3.19.2"],
        ],
      },
      value: encodeCheckIn(checkIn({ core: "3.49.1", rpm: "3.19.2" })).slice().buffer,
    };
    const meta = last([[at(4), { core: "3.49.1", rpm: "3.19.2" }]], dropped);
    expect(meta?.c).toEqual([
      ["core", "3.49.1", D0],
      ["rpm", "3.19.2", -(D0 + 3)],
    ]);
  });

  it("an overflow entry's components are new to the metadata: since today, a lower bound", () => {
    const overflow = {
      metadata: { v: 2, f: at(0), l: at(3), x: "p" },
      value: encodeCheckIn(checkIn({ core: "3.49.1" })).slice().buffer,
    };
    const meta = last([[at(4), { core: "3.50.0" }]], overflow);
    expect(meta?.c).toEqual([["core", "3.50.0", -(D0 + 4)]]);
  });

  it.each([
    ["a previous x.y on a lower bound", ["core", "3.49.1", -D0, "3.48"]],
    ["a previous that is not an x.y", ["core", "3.49.1", D0, "3.48.1"]],
    ["day 0", ["core", "3.49.1", 0]],
    ["a fractional day", ["core", "3.49.1", D0 + 0.5]],
    ["a fifth element", ["core", "3.49.1", D0, "", 1]],
  ])("parseMeta refuses %s", (_why, entry) => {
    expect(parseMeta({ v: 2, f: 1, l: 1, c: [entry] })).toBeNull();
  });
});
