import { describe, expect, it } from "vitest";
import { percent } from "../model";

describe("percentages", () => {
  it("are one decimal, and 0 of nothing", () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(3, 3)).toBe(100);
    expect(percent(5, 0)).toBe(0);
  });
});
