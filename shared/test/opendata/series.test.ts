import { describe, expect, it } from "vitest";
import { parseSeriesRequest, seriesCsv } from "../../src/opendata/series";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D1 = day("2026-04-01");
const D2 = day("2026-04-02");

describe("parseSeriesRequest", () => {
  it("splits off the CSV suffix and accepts published key shapes", () => {
    expect(parseSeriesRequest("systems__total")).toEqual({ key: "systems__total", format: "json" });
    expect(parseSeriesRequest("versions_xyz__core__3.49.1.csv")).toEqual({
      key: "versions_xyz__core__3.49.1",
      format: "csv",
    });
  });

  it.each([
    "_page",
    "_page.csv",
    "systems",
    "",
    ".csv",
    "a__<b>",
    "a__b/c",
    `a__${"x".repeat(201)}`,
  ])("refuses %j", (name) => expect(parseSeriesRequest(name)).toBeNull());
});

describe("seriesCsv", () => {
  it("writes a header and one row per point", () => {
    expect(
      seriesCsv([
        [D1, 3],
        [D2, 2.5],
      ]),
    ).toBe(`timestamp,date,value\r\n${D1},2026-04-01,3\r\n${D2},2026-04-02,2.5\r\n`);
    expect(seriesCsv([])).toBe("timestamp,date,value\r\n");
  });
});
