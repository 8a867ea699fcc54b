import { describe, expect, it } from "vitest";
import { badgeOf, compactNumber } from "../../src/opendata/badge";
import { EMPTY_PAGE } from "../../src/opendata/series";
import { applyDays } from "../../src/store/apply";
import { PAGE_KEY } from "../../src/store/layout";
import type { PageData } from "../../src/store/views";
import { memoryKV } from "../../src/testing/memory-kv";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("compactNumber", () => {
  it.each([
    [0, "0"],
    [999, "999"],
    [1000, "1k"],
    [1234, "1.2k"],
    [1299, "1.2k"],
    [12_345, "12k"],
    [999_999, "999k"],
    [1_500_000, "1.5M"],
    [2.5, "2.5"],
    [1.333, "1.33"],
  ])("%d → %s", (value, text) => {
    expect(compactNumber(value)).toBe(text);
  });
});

describe("badgeOf", () => {
  async function page(): Promise<PageData> {
    const kv = memoryKV();
    const days = [
      { day: day("2026-04-01"), points: new Map([["versions__rpm__3.28", 7]]) },
      {
        day: day("2026-04-02"),
        points: new Map([
          ["systems__total", 1234],
          ["versions_xyz__rpm__3.29.1", 3],
          ["online_workers__processes__p50", 2.5],
        ]),
      },
      { day: day("2026-04-01"), points: new Map([["online_workers__hosts__mean", 1]]) },
    ];
    await applyDays(kv, days, { now: day("2026-04-03") });
    return JSON.parse(kv.data.get(PAGE_KEY) ?? "null") as PageData;
  }

  it("labels the latest day's value from the dictionary", async () => {
    const p = await page();
    expect(badgeOf("systems__total", p)).toEqual({
      schemaVersion: 1,
      label: "Pulp installations",
      message: "1.2k",
      color: "blue",
    });
    expect(badgeOf("versions_xyz__rpm__3.29.1", p)).toMatchObject({
      label: "rpm 3.29.1 installations",
      message: "3",
    });
    expect(badgeOf("online_workers__processes__p50", p)).toMatchObject({
      label: "workers processes p50",
      message: "2.5",
    });
  });

  it("shows 0 for a count and no data for a statistic without a point that day", async () => {
    const p = await page();
    expect(badgeOf("versions__rpm__3.28", p)).toMatchObject({ message: "0", color: "blue" });
    expect(badgeOf("online_workers__hosts__mean", p)).toMatchObject({
      message: "no data",
      color: "lightgrey",
    });
    expect(badgeOf("systems__total", EMPTY_PAGE)).toMatchObject({ message: "no data" });
    expect(badgeOf("nothing__1", p)).toBeNull();
  });
});
