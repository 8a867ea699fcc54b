import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/config/names";
import { isoDay } from "../../src/config/time";
import { EXPORT_HEADER, exportChunks, exportCsv } from "../../src/opendata/export";
import { applyDays, type DayPoints } from "../../src/store/apply";
import { CHUNK_PREFIX } from "../../src/store/layout";
import { seriesFromChunks } from "../../src/store/read";
import { memoryKV } from "../../src/testing/memory-kv";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

async function collect(rows: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const part of rows) text += part;
  return text;
}

/** `days` days from `first`, a few series of several groups, some with gaps. */
function history(first: string, days: number): DayPoints[] {
  const out: DayPoints[] = [];
  for (let i = 0; i < days; i++) {
    const at = day(first) + i * DAY_MS;
    const points = new Map<string, number>([
      ["systems__total", 100 + i],
      ["systems__persistent", 90 + i],
      ["online_workers__processes__mean", 2 + (i % 4) / 4],
      [`versions__core__3.${40 + Math.floor(i / 200)}`, 50 + i],
      ["versions__rpm__3.28", 9],
      ["versions_xyz__core__3.49.1", 3],
      ["age__0", 4],
    ]);
    if (i % 3 === 0) points.set("postgresql__15", 7);
    out.push({ day: at, points });
  }
  return out;
}

describe("exportChunks", () => {
  it("keeps chunk keys only, ordered by the keys' group prefix, then year", () => {
    const names = [
      "c:versions__core:2026",
      "c:versions__core-x:2025",
      "c:versions__core:2025",
      "c:age:2026",
      "h:2026",
      "k:2026",
      "_page",
      "c:versions_xyz__core:2025",
    ];
    expect(exportChunks(names).map((c) => c.name)).toEqual([
      "c:age:2026",
      // `versions__core-x__…` sorts before `versions__core__…`, and so do its rows.
      "c:versions__core-x:2025",
      "c:versions__core:2025",
      "c:versions__core:2026",
      "c:versions_xyz__core:2025",
    ]);
  });
});

describe("exportCsv", () => {
  it("is the header row alone without chunks", async () => {
    expect(await collect(exportCsv([], async () => new Map()))).toBe(`${EXPORT_HEADER}\r\n`);
  });

  it("has every point of every series, ordered by key then date, in ⌈chunks/batch⌉ bulk reads", async () => {
    const kv = memoryKV();
    // Three calendar years.
    await applyDays(kv, history("2024-11-01", 500), { now: day("2026-03-20") });
    const names = await kv.list(CHUNK_PREFIX);
    const chunks = exportChunks(names);
    expect(chunks.length).toBeGreaterThan(10);

    const before = kv.ops.get;
    const csv = await collect(exportCsv(chunks, (keys) => kv.getMany(keys), 4));
    expect(kv.ops.get - before).toBe(Math.ceil(chunks.length / 4));

    expect(csv.endsWith("\r\n")).toBe(true);
    const lines = csv.slice(0, -2).split("\r\n");
    expect(lines[0]).toBe("date,key,value");
    const rows = lines.slice(1).map((line) => line.split(","));
    for (const row of rows) expect(row).toHaveLength(3);

    // By key, then date.
    const order = rows.map(([date, key]) => `${key} ${date}`);
    expect(order).toEqual([...order].sort());
    expect(new Set(order).size).toBe(order.length);

    // Every series, every day: what the series API serves for each key.
    const texts = [...kv.data].filter(([name]) => name.startsWith(CHUNK_PREFIX)).map(([, t]) => t);
    const keys = [...new Set(rows.map((row) => row[1] as string))];
    expect(keys).toEqual(
      [
        "age__0",
        "online_workers__processes__mean",
        "postgresql__15",
        "systems__persistent",
        "systems__total",
        "versions__core__3.40",
        "versions__core__3.41",
        "versions__core__3.42",
        "versions__rpm__3.28",
        "versions_xyz__core__3.49.1",
      ].sort(),
    );
    for (const key of keys) {
      const expected = seriesFromChunks(key, texts).map(([at, v]) => [isoDay(at), key, String(v)]);
      expect(
        rows.filter((row) => row[1] === key),
        key,
      ).toEqual(expected);
    }
    expect(rows.filter((row) => row[1] === "systems__total")).toHaveLength(500);
    expect(rows).toContainEqual(["2024-11-01", "online_workers__processes__mean", "2"]);
    expect(rows).toContainEqual(["2024-11-02", "online_workers__processes__mean", "2.25"]);
  });

  it("writes a group only once all its years are read, whatever the batch", async () => {
    const kv = memoryKV();
    await applyDays(kv, history("2024-12-25", 20), { now: day("2026-03-20") });
    const chunks = exportChunks(await kv.list(CHUNK_PREFIX));
    const whole = await collect(exportCsv(chunks, (keys) => kv.getMany(keys)));
    for (const batch of [1, 2, 3, 100]) {
      expect(await collect(exportCsv(chunks, (keys) => kv.getMany(keys), batch))).toBe(whole);
    }
  });

  it("skips a chunk listed but gone by the time it is read", async () => {
    const kv = memoryKV();
    await applyDays(kv, history("2025-12-30", 4), { now: day("2026-03-20") });
    const chunks = exportChunks(await kv.list(CHUNK_PREFIX));
    kv.data.delete("c:systems:2025");
    const csv = await collect(exportCsv(chunks, (keys) => kv.getMany(keys)));
    expect(csv).not.toContain("2025-12-30,systems__total");
    expect(csv).toContain("2026-01-01,systems__total,102\r\n");
  });
});
