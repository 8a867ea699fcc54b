import { DAY_MS } from "@pulp-analytics/shared/config";
import { describe, expect, it } from "vitest";
import { adoptionSeries, atLeastShares, timeToShare } from "../model";
import { day, pageOf, views } from "./fixtures";

describe("release adoption", () => {
  const asOf = day("2026-04-10");

  it("gives the share on each recent x.y or newer, cumulative from the newest", async () => {
    const p = await pageOf([
      ["systems__total", [[asOf, 200]]],
      ["versions__core__3.8", [[asOf, 10]]],
      ["versions__core__3.9", [[asOf, 30]]],
      ["versions__core__3.10", [[asOf, 50]]],
      ["versions__core__3.11", [[asOf, 20]]],
    ]);
    // Of 110: 20, 20 + 50, 20 + 50 + 30, all.
    expect(atLeastShares(p, "core")).toEqual([
      { xy: "3.11", installations: 20, atLeastInstallations: 20, atLeast: 18.2 },
      { xy: "3.10", installations: 50, atLeastInstallations: 70, atLeast: 63.6 },
      { xy: "3.9", installations: 30, atLeastInstallations: 100, atLeast: 90.9 },
      { xy: "3.8", installations: 10, atLeastInstallations: 110, atLeast: 100 },
    ]);
    expect(atLeastShares(p, "core", 2).map((r) => r.xy)).toEqual(["3.11", "3.10"]);
    expect(atLeastShares(p, "file")).toEqual([]);
  });

  it("counts the days each x.y took to reach a quarter and half, with the newer ones", () => {
    const d = (n: number) => day("2026-01-01") + n * DAY_MS;
    const series = new Map<string, Array<[number, number]>>([
      // 3.1 is there on the first day: when it came is unknown.
      [
        "3.1",
        [
          [d(0), 100],
          [d(1), 100],
          [d(2), 90],
          [d(3), 60],
          [d(4), 50],
          [d(6), 40],
        ],
      ],
      // First seen on day 1: 10/110, then 30/120 = 25 % on day 2, 60/120 = 50 % on day 3.
      [
        "3.2",
        [
          [d(1), 10],
          [d(2), 30],
          [d(3), 60],
          [d(4), 60],
          [d(6), 40],
        ],
      ],
      // First seen on day 4 (10/120); nothing reported on day 5; 40/120 = 33 % on day 6.
      [
        "3.3",
        [
          [d(4), 10],
          [d(6), 40],
        ],
      ],
    ]);
    expect(timeToShare(series, ["3.3", "3.2", "3.1", "3.0"])).toEqual([
      { xy: "3.3", firstSeen: "2026-01-05", days: [2, null] },
      { xy: "3.2", firstSeen: "2026-01-02", days: [1, 2] },
      { xy: "3.1", firstSeen: null, days: [null, null] },
      { xy: "3.0", firstSeen: null, days: [null, null] },
    ]);
  });

  it("takes the recent days, and the weekly points before them when they are loaded", async () => {
    const first = day("2025-06-01");
    const daysOf = (n: number) =>
      Array.from({ length: n }, (_, i): [number, number] => [first + i * DAY_MS, 10]);
    const { page: p, weekly: w } = await views([
      ["systems__total", daysOf(300)],
      ["versions__core__3.1", daysOf(300)],
      ["versions__file__1.0", daysOf(300)],
    ]);
    const recent = adoptionSeries(p, "core", null).get("3.1") ?? [];
    expect(recent).toHaveLength(90);
    expect(recent[0]?.[0]).toBe(p.recent.start);
    const all = adoptionSeries(p, "core", w);
    expect([...all.keys()]).toEqual(["3.1"]);
    const points = all.get("3.1") ?? [];
    const older = points.filter(([at]) => at < p.recent.start);
    // 210 days before the recent block: one point a week (30 of them), then every day.
    expect(older.length).toBe(30);
    expect(points.slice(older.length)).toEqual(recent);
    expect(points.every(([at], i) => i === 0 || at > (points[i - 1]?.[0] ?? 0))).toBe(true);
  });
});
