import { describe, expect, it } from "vitest";
import {
  applyDays,
  applyDayToGroup,
  capNewSeries,
  type DayPoints,
  weeklySampleDays,
} from "../../src/store/apply";
import { parseChunk, serializeChunk } from "../../src/store/codec";
import { parseJournal, serializeJournal } from "../../src/store/journal";
import { chunkKey, groupOf, keysKey, weeklyKey } from "../../src/store/layout";
import { pack, packBlock, unpack, unpackBlock } from "../../src/store/packed";
import { seriesFromChunks } from "../../src/store/read";
import type { PageData, WeeklyHistory } from "../../src/store/views";
import type { Point } from "../../src/summary/keys";
import { memoryKV } from "../../src/testing/memory-kv";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D = (iso: string, points: Record<string, number>): DayPoints => ({
  day: day(iso),
  points: new Map(Object.entries(points)),
});
const NOW = day("2026-11-28") + 60_000;

describe("packed series", () => {
  it("packs the first offset from the start and then the gaps", () => {
    const start = day("2026-01-01");
    const points: Point[] = [
      [day("2026-01-03"), 5],
      [day("2026-01-04"), 6],
      [day("2026-01-11"), 0.5],
    ];
    expect(pack(points, start)).toEqual([2, 5, 1, 6, 7, 0.5]);
    expect(unpack(pack(points, start), start)).toEqual(points);
  });

  it("round-trips a block and drops empty series", () => {
    const start = day("2025-12-30");
    const block = packBlock(
      [
        ["a__1", [[day("2026-01-01"), 1]]],
        ["b__1", []],
      ],
      start,
    );
    expect(block).toEqual({ start, series: { a__1: [2, 1] } });
    expect(unpackBlock(block)).toEqual(new Map([["a__1", [[day("2026-01-01"), 1]]]]));
  });
});

describe("groupOf", () => {
  it.each([
    ["systems__total", "systems"],
    ["systems__persistent", "systems"],
    ["online_workers__processes__mean", "online_workers__processes"],
    ["online_content_apps__hosts__max", "online_content_apps__hosts"],
    ["versions__core__3.49", "versions__core"],
    ["versions_xyz__core__3.49.1", "versions_xyz__core"],
    ["versions__container__2.20", "versions__container"],
    ["postgresql__9.6", "postgresql"],
    ["age__5-8", "age"],
    ["rbac__custom_access_policies__3-4", "rbac__custom_access_policies"],
  ])("%s belongs to %s", (key, group) => {
    expect(groupOf(key)).toBe(group);
  });
});

describe("applyDayToGroup", () => {
  const d1 = day("2026-03-01");
  const d2 = day("2026-03-02");
  const d3 = day("2026-03-03");

  it("appends a new day, removes stale points of that day, drops emptied series", () => {
    const series = new Map<string, Point[]>([
      [
        "versions__core__3.48",
        [
          [d1, 4],
          [d2, 1],
        ],
      ],
      ["versions__core__3.47", [[d2, 2]]],
      ["versions__core__3.49", [[d1, 1]]],
    ]);
    applyDayToGroup(series, d2, new Map([["versions__core__3.49", 7]]));
    expect(series).toEqual(
      new Map([
        ["versions__core__3.48", [[d1, 4]]],
        [
          "versions__core__3.49",
          [
            [d1, 1],
            [d2, 7],
          ],
        ],
      ]),
    );
  });

  it("replaces or inserts a point in the middle, keeping days ascending", () => {
    const series = new Map<string, Point[]>([
      [
        "age__0",
        [
          [d1, 1],
          [d3, 3],
        ],
      ],
    ]);
    applyDayToGroup(series, d2, new Map([["age__0", 2]]));
    applyDayToGroup(series, d1, new Map([["age__0", 9]]));
    expect(series.get("age__0")).toEqual([
      [d1, 9],
      [d2, 2],
      [d3, 3],
    ]);
  });
});

describe("weeklySampleDays", () => {
  it("takes the latest summarized day of each seven-day block from 1 January", () => {
    const total: Point[] = [
      [day("2025-12-31"), 1],
      [day("2026-01-01"), 1],
      [day("2026-01-05"), 1],
      [day("2026-01-07"), 1],
      [day("2026-01-08"), 1],
      [day("2026-12-31"), 1],
    ];
    expect([...weeklySampleDays(2026, total)].sort()).toEqual(
      [day("2026-01-07"), day("2026-01-08"), day("2026-12-31")].sort(),
    );
  });
});

describe("chunks", () => {
  it("reads anything that is not a chunk as empty, so the next write replaces it", () => {
    expect(parseChunk("not json")).toEqual(new Map());
    expect(parseChunk('{"v":1}')).toEqual(new Map());
    expect(parseChunk(null)).toEqual(new Map());
  });

  it("is null when nothing is left, and stable byte for byte", () => {
    expect(serializeChunk(2026, new Map([["age__0", []]]))).toBeNull();
    const a = serializeChunk(
      2026,
      new Map<string, Point[]>([
        ["age__1", [[day("2026-01-02"), 1]]],
        ["age__0", [[day("2026-01-02"), 2]]],
      ]),
    );
    const b = serializeChunk(
      2026,
      new Map<string, Point[]>([
        ["age__0", [[day("2026-01-02"), 2]]],
        ["age__1", [[day("2026-01-02"), 1]]],
      ]),
    );
    expect(a).toBe(b);
    expect(JSON.parse(a as string)).toEqual({
      v: 2,
      year: 2026,
      start: day("2026-01-01"),
      series: { age__0: [1, 2], age__1: [1, 1] },
    });
  });

  it("gives a series' every day across years", () => {
    const y2025 = serializeChunk(2025, new Map([["age__0", [[day("2025-12-31"), 4]] as Point[]]]));
    const y2026 = serializeChunk(2026, new Map([["age__0", [[day("2026-01-01"), 5]] as Point[]]]));
    expect(seriesFromChunks("age__0", [y2026 as string, y2025 as string])).toEqual([
      [day("2025-12-31"), 4],
      [day("2026-01-01"), 5],
    ]);
  });
});

describe("journal", () => {
  it("round-trips its days, oldest first", () => {
    const days = [D("2026-03-02", { age__0: 1 }), D("2026-03-01", { age__0: 2, age__1: 1 })];
    expect(parseJournal(serializeJournal(days))).toEqual([days[1], days[0]]);
    expect(parseJournal("{}")).toBeNull();
  });
});

describe("applyDays", () => {
  const nov26 = D("2026-11-26", {
    systems__total: 3,
    systems__persistent: 2,
    "versions__core__3.49": 2,
    "versions_xyz__core__3.49.1": 2,
    age__0: 1,
    age__1: 2,
  });
  const nov27 = D("2026-11-27", {
    systems__total: 4,
    systems__persistent: 3,
    "versions__core__3.49": 2,
    "versions__core__3.50": 1,
    "versions_xyz__core__3.49.1": 2,
    "versions_xyz__core__3.50.0": 1,
    age__1: 1,
    age__2: 3,
  });

  it("writes one chunk per group of the day's year, the weekly history, key list and page", async () => {
    const kv = memoryKV();
    const result = await applyDays(kv, [nov26], { now: NOW });
    expect(result.daysApplied).toEqual(["2026-11-26"]);
    expect([...kv.data.keys()].sort()).toEqual([
      "_page",
      chunkKey("age", 2026),
      chunkKey("systems", 2026),
      chunkKey("versions__core", 2026),
      chunkKey("versions_xyz__core", 2026),
      "h:2026",
      "k:2026",
    ]);
    expect(JSON.parse(kv.data.get(keysKey(2026)) as string).keys).toEqual([
      "age__0",
      "age__1",
      "systems__persistent",
      "systems__total",
      "versions__core__3.49",
      "versions_xyz__core__3.49.1",
    ]);
    const page = JSON.parse(kv.data.get("_page") as string) as PageData;
    expect(page.asOf).toBe(day("2026-11-26"));
    expect(page.generatedAt).toBe(NOW);
    expect(page.years).toEqual([2026]);
    expect(page.latestXyz).toEqual({ "versions_xyz__core__3.49.1": 2 });
    expect(unpackBlock(page.recent).get("systems__total")).toEqual([[day("2026-11-26"), 3]]);
    expect(unpackBlock(page.recent).has("versions_xyz__core__3.49.1")).toBe(false);
  });

  it("replaces a day wholesale; a rerun writes nothing; the next day costs the same keys", async () => {
    const kv = memoryKV();
    await applyDays(kv, [nov26], { now: NOW });
    const before = new Map(kv.data);
    const rerun = await applyDays(kv, [nov26], { now: NOW + 1 });
    expect(rerun.writes + rerun.deletes).toBe(0);
    expect(kv.data).toEqual(before);

    // The same day summarized again without age__0: its old point goes.
    const again = D("2026-11-26", { systems__total: 2, age__1: 2 });
    await applyDays(kv, [again], { now: NOW });
    const ages = parseChunk(kv.data.get(chunkKey("age", 2026)));
    expect(ages.has("age__0")).toBe(false);
    expect(kv.data.has(chunkKey("versions__core", 2026))).toBe(false);
    expect(JSON.parse(kv.data.get(keysKey(2026)) as string).keys).toEqual([
      "age__1",
      "systems__total",
    ]);

    await applyDays(kv, [nov26], { now: NOW });
    const ops = { ...kv.ops };
    await applyDays(kv, [nov27], { now: NOW });
    // One list, one bulk read of the year, and the writes: five chunks (age, systems, both
    // versions groups), the weekly history, the key list, the page.
    expect(kv.ops.list - ops.list).toBe(1);
    expect(kv.ops.get - ops.get).toBe(1);
    expect(kv.ops.put - ops.put).toBe(7);
    expect(
      seriesFromChunks("systems__total", [kv.data.get(chunkKey("systems", 2026)) as string]),
    ).toEqual([
      [day("2026-11-26"), 3],
      [day("2026-11-27"), 4],
    ]);
  });

  it("keeps days SUMMARY already has when asked (the importer's rule)", async () => {
    const kv = memoryKV();
    await applyDays(kv, [nov26], { now: NOW });
    const imported = [
      D("2026-11-25", { systems__total: 9, age__3: 9 }),
      D("2026-11-26", { systems__total: 99 }),
    ];
    const result = await applyDays(kv, imported, { now: NOW, keepStoredDays: true });
    expect(result.daysApplied).toEqual(["2026-11-25"]);
    expect(result.daysKept).toEqual(["2026-11-26"]);
    expect(
      seriesFromChunks("systems__total", [kv.data.get(chunkKey("systems", 2026)) as string]),
    ).toEqual([
      [day("2026-11-25"), 9],
      [day("2026-11-26"), 3],
    ]);
    const again = await applyDays(kv, imported, { now: NOW + 5, keepStoredDays: true });
    expect(again.writes + again.deletes).toBe(0);
  });

  it("builds the page's recent days across a new year, and weekly history per year", async () => {
    const kv = memoryKV();
    const days: DayPoints[] = [];
    for (let t = day("2025-11-01"); t <= day("2026-01-10"); t += 86_400_000) {
      days.push({ day: t, points: new Map([["systems__total", new Date(t).getUTCDate()]]) });
    }
    await applyDays(kv, days, { now: NOW });
    const page = JSON.parse(kv.data.get("_page") as string) as PageData;
    expect(page.asOf).toBe(day("2026-01-10"));
    expect(page.years).toEqual([2025, 2026]);
    const recent = unpackBlock(page.recent).get("systems__total") as Point[];
    // 90 days ending 10 January: from 13 October, of which November and December are stored.
    expect(page.recent.start).toBe(day("2025-10-13"));
    expect(recent[0]).toEqual([day("2025-11-01"), 1]);
    expect(recent[recent.length - 1]).toEqual([day("2026-01-10"), 10]);
    expect(recent).toHaveLength(71);

    const weekly = JSON.parse(kv.data.get(weeklyKey(2026)) as string) as WeeklyHistory;
    expect(unpackBlock(weekly).get("systems__total")).toEqual([
      [day("2026-01-07"), 7],
      [day("2026-01-10"), 10],
    ]);
    const weekly2025 = unpackBlock(
      JSON.parse(kv.data.get(weeklyKey(2025)) as string) as WeeklyHistory,
    );
    // 2025's blocks: … 29 Oct–4 Nov, 5–11 Nov, … 24–30 Dec, 31 Dec.
    expect((weekly2025.get("systems__total") as Point[]).slice(0, 2)).toEqual([
      [day("2025-11-04"), 4],
      [day("2025-11-11"), 11],
    ]);
    expect((weekly2025.get("systems__total") as Point[]).at(-1)).toEqual([day("2025-12-31"), 31]);
  });

  it("replays a journal left by a failed run and then removes it", async () => {
    const kv = memoryKV();
    await applyDays(kv, [nov26], { now: NOW, journal: true });
    expect(kv.data.has("_journal")).toBe(false);
    // A run that wrote its journal and died before its series writes.
    await kv.put("_journal", serializeJournal([nov27]));
    const next = D("2026-11-28", { systems__total: 5 });
    const result = await applyDays(kv, [next], { now: NOW, journal: true });
    expect(result.replayed).toEqual(["2026-11-27"]);
    expect(result.daysApplied).toEqual(["2026-11-27", "2026-11-28"]);
    expect(kv.data.has("_journal")).toBe(false);
    expect(
      seriesFromChunks("systems__total", [kv.data.get(chunkKey("systems", 2026)) as string]),
    ).toHaveLength(3);
  });
});

describe("capNewSeries", () => {
  const d1 = day("2026-03-01");
  const points = (entries: Record<string, number>) => new Map(Object.entries(entries));

  it("lets at most `max` never-seen series in, the largest counts first", () => {
    const series = new Map<string, Point[]>([["versions__core__3.49", [[d1, 5]]]]);
    const capped = capNewSeries(
      points({
        "versions__core__3.49": 6,
        "versions__core__3.50": 3,
        "versions__core__1000.0": 1,
        "versions__core__1001.0": 1,
        "versions__core__3.48": 2,
      }),
      day("2026-03-02"),
      series,
      new Set(["versions__core__3.48"]),
      1,
    );
    // 3.49 exists, 3.48 continues from last year; of the new ones only the largest enters.
    expect([...capped.points.keys()].sort()).toEqual([
      "versions__core__3.48",
      "versions__core__3.49",
      "versions__core__3.50",
    ]);
    expect(capped.dropped).toEqual(["versions__core__1000.0", "versions__core__1001.0"]);
  });

  it("caps a group's first series too", () => {
    const first = points({ "versions__core__3.49": 1, "versions__core__3.50": 2 });
    expect(capNewSeries(first, d1, new Map(), new Set(), 1).dropped).toEqual([
      "versions__core__3.49",
    ]);
  });

  it("ranks new series by their established installations, and admits none without one", () => {
    // 25 junk versions carried by 5 fakes each, none established; a real release of 3
    // installations that have checked in for weeks (issue 25's flood).
    const counts: Record<string, number> = { "versions__core__3.90": 3 };
    const established = new Map([["versions__core__3.90", 3]]);
    for (let i = 0; i < 25; i++) {
      counts[`versions__core__${100 + i}.0`] = 5;
      established.set(`versions__core__${100 + i}.0`, 0);
    }
    const known = new Map<string, Point[]>([["versions__core__3.49", [[d1 - 86_400_000, 7]]]]);
    const capped = capNewSeries(points(counts), d1, known, new Set(), 20, established);
    expect([...capped.points.keys()]).toEqual(["versions__core__3.90"]);
    expect(capped.dropped).toHaveLength(25);
    // Established fakes rank by their established count first, then by count: two junk
    // versions of 2 established each come after a real one of 3, and before one of 1.
    const mixed = capNewSeries(
      points({
        "versions__core__9.0": 50,
        "versions__core__8.0": 50,
        "versions__core__3.91": 3,
        "versions__core__3.92": 40,
      }),
      d1,
      known,
      new Set(),
      3,
      new Map([
        ["versions__core__9.0", 2],
        ["versions__core__8.0", 2],
        ["versions__core__3.91", 3],
        ["versions__core__3.92", 1],
      ]),
    );
    expect(mixed.dropped).toEqual(["versions__core__3.92"]);
    // Names nobody can invent (ages, stats) are not in the map and need no established count.
    const ages = capNewSeries(points({ "age__5-8": 4 }), d1, known, new Set(), 20, new Map());
    expect(ages.dropped).toEqual([]);
  });

  it("takes every new series on the deployment's first summarized day only", async () => {
    const kv = memoryKV();
    const many: Record<string, number> = { systems__total: 30 };
    for (let i = 0; i < 30; i++) many[`versions__core__3.${i}`] = 1;
    const first = await applyDays(kv, [D("2026-11-26", many)], {
      now: NOW,
      maxNewSeriesPerGroup: 20,
    });
    expect(first.capped).toEqual([]);
    const more: Record<string, number> = { systems__total: 30 };
    for (let i = 0; i < 30; i++) more[`versions_xyz__file__1.${i}.0`] = 1;
    const second = await applyDays(kv, [D("2026-11-27", more)], {
      now: NOW,
      maxNewSeriesPerGroup: 20,
    });
    // A group with no series yet, on a later day: capped like any other.
    expect(second.capped).toHaveLength(10);
  });

  it("applies through applyDays and reports what it left out, rerun after rerun alike", async () => {
    const kv = memoryKV();
    await applyDays(kv, [D("2026-11-26", { systems__total: 1, "versions__core__3.49": 1 })], {
      now: NOW,
    });
    const flood: Record<string, number> = { systems__total: 60, "versions__core__3.49": 1 };
    for (let i = 0; i < 50; i++) flood[`versions__core__${1000 + i}.0`] = 1;
    flood["versions__file__7.7"] = 9;
    const day27 = D("2026-11-27", flood);
    const result = await applyDays(kv, [day27], { now: NOW, maxNewSeriesPerGroup: 20 });
    expect(result.capped).toHaveLength(30);
    const core = parseChunk(kv.data.get(chunkKey("versions__core", 2026)));
    expect(core.size).toBe(21);
    // Another group is untouched by core's flood (one new series: within its own cap).
    expect(
      parseChunk(kv.data.get(chunkKey("versions__file", 2026))).has("versions__file__7.7"),
    ).toBe(true);
    const again = await applyDays(kv, [day27], { now: NOW, maxNewSeriesPerGroup: 20 });
    expect(again.writes + again.deletes).toBe(0);
  });

  it("reruns a past day as it first ran, whatever later days admitted", async () => {
    const kv = memoryKV();
    const cap = { now: NOW, maxNewSeriesPerGroup: 20 };
    await applyDays(kv, [D("2026-11-25", { systems__total: 1, "versions__core__3.49": 1 })], cap);
    const flood: Record<string, number> = { systems__total: 60 };
    for (let i = 0; i < 50; i++) flood[`versions__core__${1000 + i}.0`] = 1;
    const day26 = D("2026-11-26", flood);
    await applyDays(kv, [day26], cap);
    // The next day admits the next twenty: they have a point on the 27th, none on the 26th.
    await applyDays(kv, [D("2026-11-27", flood)], cap);
    const before = new Map(kv.data);
    const rerun = await applyDays(kv, [day26], cap);
    expect(rerun.writes + rerun.deletes).toBe(0);
    expect(kv.data).toEqual(before);
    const core = parseChunk(kv.data.get(chunkKey("versions__core", 2026)));
    expect([...core.values()].filter((points) => points[0]?.[0] === day26.day)).toHaveLength(20);
  });
});
