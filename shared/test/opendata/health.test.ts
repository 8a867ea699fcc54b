import { describe, expect, it } from "vitest";
import { expectedDay, healthOf } from "../../src/opendata/health";

const at = (iso: string) => Date.parse(iso);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("health", () => {
  it("expects yesterday, or the day before while tonight's run may be at work (until 02:00)", () => {
    expect(expectedDay(at("2026-11-28T01:59:59Z"))).toBe(day("2026-11-26"));
    expect(expectedDay(at("2026-11-28T02:00:00Z"))).toBe(day("2026-11-27"));
    expect(expectedDay(at("2026-11-28T23:00:00Z"))).toBe(day("2026-11-27"));
  });

  it("is ok with yesterday's summary, stale past 02:00 without it, empty before any", () => {
    const generatedAt = at("2026-11-27T00:00:05Z");
    const page = { asOf: day("2026-11-26"), generatedAt };
    expect(healthOf(page, at("2026-11-28T01:00:00Z"), 0)).toEqual({
      status: "ok",
      asOf: "2026-11-26",
      generatedAt: "2026-11-27T00:00:05.000Z",
      ageHours: 25,
      pendingWrites: 0,
    });
    expect(healthOf(page, at("2026-11-28T02:00:00Z"), 1)).toMatchObject({
      status: "stale",
      ageHours: 26,
      pendingWrites: 1,
    });
    expect(healthOf({ asOf: null, generatedAt: 0 }, at("2026-11-28T02:00:00Z"), 0)).toEqual({
      status: "empty",
      asOf: null,
      generatedAt: null,
      ageHours: null,
      pendingWrites: 0,
    });
  });
});
