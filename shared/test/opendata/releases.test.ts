import { describe, expect, it } from "vitest";
import { releaseEvents } from "../../src/opendata/releases";
import { serializeChunk } from "../../src/store/codec";
import type { Point } from "../../src/summary/keys";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const chunk = (year: number, series: Record<string, Point[]>) =>
  serializeChunk(year, new Map(Object.entries(series))) as string;

describe("releaseEvents", () => {
  it("reports a new x.y once a handful run it, and the quarter and half it reaches", () => {
    const events = releaseEvents([
      chunk(2025, {
        "versions__core__3.9": [[day("2025-12-31"), 20]],
        // On the first day: not new, only first recorded.
        "versions__core__3.8": [[day("2025-12-31"), 20]],
      }),
      chunk(2026, {
        "versions__core__3.9": [
          [day("2026-01-01"), 20],
          [day("2026-01-02"), 20],
          [day("2026-01-03"), 20],
        ],
        "versions__core__3.10": [
          [day("2026-01-01"), 4],
          [day("2026-01-02"), 7],
          [day("2026-01-03"), 21],
        ],
        versions__core__unknown: [[day("2026-01-02"), 50]],
        "versions__rpm__1.0": [[day("2026-01-03"), 1]],
        "versions_xyz__core__3.10.1": [[day("2026-01-01"), 40]],
      }),
    ]);
    expect(events.map((e) => [new Date(e.day).toISOString().slice(0, 10), e.xy, e.kind])).toEqual([
      ["2026-01-02", "3.10", "seen"],
      ["2026-01-02", "3.10", 0.25],
      ["2026-01-03", "3.10", 0.5],
    ]);
    expect(events[1]).toMatchObject({ component: "core", count: 7, total: 27 });
  });

  it("has nothing to say without history", () => {
    expect(releaseEvents([])).toEqual([]);
  });
});
