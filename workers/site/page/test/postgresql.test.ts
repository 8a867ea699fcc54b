import { describe, expect, it } from "vitest";
import {
  isSupportedPostgresql,
  POSTGRESQL_LATEST_SLICES,
  postgresqlLatestChart,
  postgresqlShareChart,
  SUPPORTED_POSTGRESQL,
  supportedPostgresqlLabel,
  TOP_MAJORS,
} from "../model";
import { D1, D2, daily, page, pageOf } from "./fixtures";

describe("PostgreSQL charts", () => {
  it("orders PostgreSQL majors numerically with unknown last", () => {
    const latest = postgresqlLatestChart(page);
    expect(latest.labels).toEqual(["9.6", "15", "unknown"]);
    expect(latest.datasets[0]?.values).toEqual([25, 50, 25]);
    expect(postgresqlShareChart(daily(page)).datasets).toEqual([
      { name: "9.6", values: [100, 25] },
      { name: "15", values: [0, 50] },
      { name: "unknown", values: [0, 25] },
    ]);
  });

  it("names no more PostgreSQL majors than there are colors, the smallest as Other", async () => {
    // 9.6 … 17 and unknown: 10 majors, 9.6 and 10 the smallest on the latest day.
    const majors = ["9.6", ...Array.from({ length: 8 }, (_, i) => String(10 + i)), "unknown"];
    const many = await pageOf([
      [
        "systems__total",
        [
          [D1, 10],
          [D2, 55],
        ],
      ],
      ...majors.map((major, i): [string, Array<[number, number]>] => [
        `postgresql__${major}`,
        [
          [D1, 1],
          [D2, i + 1],
        ],
      ]),
    ]);
    expect(majors).toHaveLength(TOP_MAJORS + 2);
    expect(POSTGRESQL_LATEST_SLICES).toBe(9);
    const named = ["11", "12", "13", "14", "15", "16", "17", "unknown"];
    const latest = postgresqlLatestChart(many);
    expect(latest.labels).toEqual(["Other", ...named]);
    expect(latest.labels).toHaveLength(POSTGRESQL_LATEST_SLICES);
    // 1 + 2 of 55 installations, then 3 … 10 of 55.
    expect(latest.datasets[0]?.values).toEqual([5.5, 5.5, 7.3, 9.1, 10.9, 12.7, 14.5, 16.4, 18.2]);
    expect(latest.keys).toHaveLength(majors.length);
    // Every major has its highest share, 10 %, on D1 but 14 and up (6/55 and more on D2):
    // ties go to the larger on D2. On D2 the shares add up to exactly 100.
    const share = postgresqlShareChart(daily(many));
    expect(share.datasets.map((d) => d.name)).toEqual(["Other", ...named]);
    expect(share.datasets[0]?.values).toEqual([20, 5.5]);
    expect(share.datasets.reduce((sum, d) => sum + (d.values[1] ?? 0), 0)).toBeCloseTo(100, 9);
  });
});

describe("supported PostgreSQL", () => {
  it("names the supported PostgreSQL majors from the policy", () => {
    expect(SUPPORTED_POSTGRESQL).toEqual(["14", "15", "16", "17", "18"]);
    expect(supportedPostgresqlLabel()).toBe("PostgreSQL 14 or newer");
    expect(["9.6", "13", "14", "18", "19", "unknown"].map(isSupportedPostgresql)).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});
