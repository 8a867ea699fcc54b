import type { PageData } from "@pulp-analytics/shared/store";
import { beforeAll, describe, expect, it } from "vitest";
import { buildIndex, dailyChartData, headline } from "../model";
import { day, pageOf } from "./fixtures";

describe("the headline", () => {
  const asOf = day("2026-04-10");
  let headPage: PageData;
  beforeAll(async () => {
    headPage = await pageOf([
      [
        "systems__total",
        [
          [day("2026-03-01"), 80],
          // After asOf − 30 days (2026-03-11): not the day compared with.
          [day("2026-03-12"), 85],
          [asOf, 100],
        ],
      ],
      ["versions__core__3.9", [[asOf, 30]]],
      ["versions__core__3.10", [[asOf, 50]]],
      [
        "versions__core__3.11",
        [
          [day("2026-03-12"), 70],
          [asOf, 20],
        ],
      ],
      ["versions__file__1.2", [[asOf, 90]]],
      ["postgresql__13", [[asOf, 10]]],
      ["postgresql__14", [[asOf, 20]]],
      ["postgresql__16", [[asOf, 30]]],
      ["postgresql__19", [[asOf, 5]]],
      ["postgresql__unknown", [[asOf, 15]]],
    ]);
  });

  it("counts installations, the change over 30 days, the top core x.y and supported PostgreSQL", () => {
    expect(headline(headPage)).toEqual({
      day: "2026-04-10",
      installations: 100,
      // The nearest day on or before 2026-03-11 with a point: 80 → 100.
      change: { since: "2026-03-01", absolute: 20, percent: 25 },
      // 50 of core's 100 installations.
      core: { xy: "3.10", installations: 50, share: 50 },
      // 14, 16 and 19 (newer than the newest listed) of 65 with a known major; unknown left out.
      postgresql: {
        share: 84.6,
        supported: 55,
        known: 65,
        unknown: 15,
        // Core 3.9, 3.10 and 3.11 are all older than 3.22, the first to report PostgreSQL.
        reporting: { installations: 0, of: "installations on core 3.22 or newer" },
      },
    });
  });

  it("has no change without an earlier day, and ties go to the newer x.y", async () => {
    const one = await pageOf([
      ["systems__total", [[asOf, 7]]],
      ["versions__core__3.9", [[asOf, 3]]],
      ["versions__core__3.10", [[asOf, 3]]],
    ]);
    expect(headline(one)).toMatchObject({
      installations: 7,
      change: null,
      core: { xy: "3.10", installations: 3, share: 50 },
      postgresql: null,
    });
    expect(headline(await pageOf([]))).toBeNull();
  });

  it("reads the same from an index built a series at a time as from one built at once", async () => {
    // A copy, so that the index of headPage (built at once by the tests above) is not reused.
    const sliced = structuredClone(headPage);
    let pauses = 0;
    await buildIndex(sliced, async () => {
      pauses++;
    });
    expect(pauses).toBe(Object.keys(headPage.recent.series).length);
    expect(headline(sliced)).toEqual(headline(headPage));
    expect(dailyChartData(sliced, "90d")).toEqual(dailyChartData(headPage, "90d"));
  });
});
