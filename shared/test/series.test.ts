import { describe, expect, it } from "vitest";
import type { Point } from "../src/keys";
import { DAY_MS } from "../src/names";
import {
  applyDay,
  parseJournal,
  parseSeries,
  serializeJournal,
  serializeSeries,
  withJournalDay,
} from "../src/series";

const D = Date.UTC(2026, 10, 24);
const before = (n: number) => D - n * DAY_MS;

describe("parseSeries", () => {
  it("reads a stored series", () => {
    expect(parseSeries(`[[${before(1)},3],[${D},4.5]]`)).toEqual([
      [before(1), 3],
      [D, 4.5],
    ]);
  });
  it("sorts and keeps one point per day (the later one)", () => {
    expect(parseSeries(`[[${D},1],[${before(1)},2],[${D},3]]`)).toEqual([
      [before(1), 2],
      [D, 3],
    ]);
  });
  it.each(["", "not json", "{}", '[["x",1]]', "[[1]]", "[[1.5,2]]", "null"])("refuses %j", (text) =>
    expect(parseSeries(text)).toBeNull(),
  );
});

describe("applyDay", () => {
  const stored = new Map<string, Point[]>([
    [
      "systems__total",
      [
        [before(2), 10],
        [before(1), 11],
      ],
    ],
    [
      "versions__core__3.20",
      [
        [before(1), 2],
        [D, 1],
      ],
    ],
    ["versions__core__3.19", [[D, 1]]],
    ["age__0", [[before(3), 1]]],
  ]);

  it("appends D, removes stale D points, keeps untouched series as they are", () => {
    const next = applyDay(
      stored,
      D,
      new Map([
        ["systems__total", 12],
        ["versions__core__3.49", 5],
      ]),
    );
    expect(Object.fromEntries(next)).toEqual({
      systems__total: [
        [before(2), 10],
        [before(1), 11],
        [D, 12],
      ],
      "versions__core__3.20": [[before(1), 2]],
      "versions__core__3.19": [],
      age__0: [[before(3), 1]],
      "versions__core__3.49": [[D, 5]],
    });
    expect(next.get("age__0")).toBe(stored.get("age__0"));
    expect(stored.get("versions__core__3.19")).toEqual([[D, 1]]);
  });

  it("replaces a point in the middle of a series, keeping it ascending", () => {
    const next = applyDay(stored, before(2), new Map([["systems__total", 7]]));
    expect(next.get("systems__total")).toEqual([
      [before(2), 7],
      [before(1), 11],
    ]);
    const earlier = applyDay(stored, before(5), new Map([["systems__total", 1]]));
    expect(earlier.get("systems__total")?.map((p) => p[0])).toEqual([
      before(5),
      before(2),
      before(1),
    ]);
  });

  it("gives the same bytes when a day is applied twice", () => {
    const points = new Map([
      ["systems__total", 12],
      ["age__0", 3],
    ]);
    const once = applyDay(stored, D, points);
    const twice = applyDay(once, D, points);
    const text = (m: Map<string, Point[]>) =>
      [...m].map(([k, v]) => `${k}=${serializeSeries(v)}`).join("\n");
    expect(text(twice)).toBe(text(once));
  });
});

describe("journal", () => {
  const day = (d: number, entries: [string, number][]) => ({ day: d, points: new Map(entries) });

  it("round-trips its days", () => {
    const days = [day(before(1), [["systems__total", 3]]), day(D, [["age__0", 1]])];
    expect(parseJournal(serializeJournal(days))).toEqual(days);
  });
  it.each(["", "[]", '{"v":2,"days":[]}', '{"v":1,"days":[{"day":"x","points":[]}]}'])(
    "refuses %j",
    (text) => expect(parseJournal(text)).toBeNull(),
  );
  it("replaces a day summarized again and keeps days in order", () => {
    const pending = [day(D, [["systems__total", 1]])];
    const merged = withJournalDay(withJournalDay(pending, day(before(1), [])), day(D, []));
    expect(merged).toEqual([day(before(1), []), day(D, [])]);
  });
});
