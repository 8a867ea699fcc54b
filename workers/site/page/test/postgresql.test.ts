import { describe, expect, it } from "vitest";
import {
  isSupportedPostgresql,
  MEANINGFUL_MAJOR_SHARE,
  postgresqlLatestChart,
  postgresqlShareChart,
  SUPPORTED_POSTGRESQL,
  supportedPostgresqlLabel,
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

  it("names every supported major and every other from 1 %, the rest as a listed Other", async () => {
    // On D2, of 200: 9.4, 9.5 and 10 are 0.5 % each and unsupported (Other, 1.5 %); 14 is
    // 0.5 % but supported; 19 is 1 %; 9.6 2 %. On D1 only 16 reports (100 %).
    const counts: Array<[string, number, number]> = [
      ["9.4", 0, 1],
      ["9.5", 0, 1],
      ["9.6", 0, 4],
      ["10", 0, 1],
      ["14", 0, 1],
      ["16", 10, 150],
      ["19", 0, 2],
      ["unknown", 0, 40],
    ];
    const many = await pageOf([
      [
        "systems__total",
        [
          [D1, 10],
          [D2, 200],
        ],
      ],
      ...counts.map(([major, d1, d2]): [string, Array<[number, number]>] => [
        `postgresql__${major}`,
        [
          [D1, d1],
          [D2, d2],
        ],
      ]),
    ]);
    expect(MEANINGFUL_MAJOR_SHARE).toBe(1);
    const latest = postgresqlLatestChart(many);
    expect(latest.labels).toEqual(["Other", "9.6", "14", "16", "19", "unknown"]);
    expect(latest.datasets[0]?.values).toEqual([1.5, 2, 0.5, 75, 1, 20]);
    expect(latest.other).toEqual(["9.4", "9.5", "10"]);
    expect(latest.keys).toHaveLength(counts.length);
    // Over both days: the same majors named (their highest shares are those of D2, but 16's).
    const share = postgresqlShareChart(daily(many));
    expect(share.datasets).toEqual([
      { name: "Other", values: [0, 1.5] },
      { name: "9.6", values: [0, 2] },
      { name: "14", values: [0, 0.5] },
      { name: "16", values: [100, 75] },
      { name: "19", values: [0, 1] },
      { name: "unknown", values: [0, 20] },
    ]);
    expect(share.other).toEqual(["9.4", "9.5", "10"]);
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
