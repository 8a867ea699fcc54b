import { describe, expect, it } from "vitest";
import { fitAxis, LABEL_GAP, longestLabel, translateX } from "../model";

describe("x-axis labels", () => {
  it("labels every n-th point counting back from the latest, leaving out one hanging left", () => {
    expect(LABEL_GAP).toBe(12);
    // 50 px a point; a 40 px label needs 40 + 12 = 52 px: every 2nd point, from the latest.
    // The first (at 0, its left half out of the chart) is left out too.
    expect(fitAxis(["a", "b", "c", "d", "e"], [0, 50, 100, 150, 200], 40, 260)).toEqual({
      texts: ["", "", "c", "", "e"],
      latestX: null,
    });
  });

  it("moves the latest label left as far as it needs to stay inside the chart", () => {
    // The latest, centered at 240 and 60 px wide, ends at 270: 11 px past 259 (the svg's 260
    // less 1). 60 + 12 + 11 = 83 px fit in a 100 px slot: every point is labeled.
    expect(fitAxis(["a", "b", "c"], [40, 140, 240], 60, 260)).toEqual({
      texts: ["a", "b", "c"],
      latestX: -11,
    });
    // Centered at 30 with 30 px to its left, the first label would start at 0: left out.
    expect(fitAxis(["a", "b", "c"], [30, 130, 230], 60, 250).texts).toEqual(["", "b", "c"]);
  });

  it("keeps a lone label, and measures with the longest", () => {
    expect(fitAxis(["2026-04-03"], [100], 60, 300)).toEqual({
      texts: ["2026-04-03"],
      latestX: null,
    });
    expect(longestLabel(["3", "3-4", "17-32", "65-128", "1025-2048"])).toBe("1025-2048");
    expect(longestLabel(["ab", "cd"])).toBe("ab");
    expect(longestLabel([])).toBe("");
  });

  it("adds up the x of every translate from an element up to its svg", () => {
    expect(translateX(["translate(10, 5)", null, "rotate(3)", "translate(-2.5,0)"])).toBe(7.5);
    expect(translateX([])).toBe(0);
  });
});
