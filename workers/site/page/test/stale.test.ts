import { describe, expect, it } from "vitest";
import { expectedDay, staleNotice } from "../model";
import { day } from "./fixtures";

describe("the stale notice", () => {
  const asOf = day("2026-11-25");
  it("follows the health rule: yesterday, or the day before until 02:00 UTC", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-27T03:00:00Z"))).toBe(
      "The latest summary is from 2026-11-25; the data may be out of date.",
    );
    // Before 02:00 tonight's run may still be at work: the day before yesterday is fresh.
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-27T01:59:00Z"))).toBeNull();
    expect(staleNotice({ asOf, generatedAt: 0 }, at("2026-11-26T12:00:00Z"))).toBeNull();
    expect(staleNotice({ asOf: null, generatedAt: 0 }, at("2026-11-27T03:00:00Z"))).toBeNull();
    expect(expectedDay(at("2026-11-27T03:00:00Z"))).toBe(day("2026-11-26"));
  });
});
