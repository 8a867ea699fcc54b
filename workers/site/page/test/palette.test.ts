import { describe, expect, it } from "vitest";
import { CHART_COLORS, CHART_INLINE_STYLES, OTHER_COLOR, seriesColors } from "../model";

describe("the palette", () => {
  it("colors series in turn, and Other always gray", () => {
    expect(seriesColors(["Other", "3.9", "3.10"])).toEqual([
      OTHER_COLOR,
      CHART_COLORS[0],
      CHART_COLORS[1],
    ]);
    // The ninth named series takes the first color again; Other does not count.
    const names = ["a", "b", "c", "d", "e", "f", "g", "Other", "h", "i"];
    const colors = seriesColors(names);
    expect(colors[7]).toBe(OTHER_COLOR);
    expect(colors[8]).toBe(CHART_COLORS[7]);
    expect(colors[9]).toBe(CHART_COLORS[0]);
    expect(seriesColors([])).toEqual([]);
  });

  it("lists the inline styles frappe-charts writes: its tooltip's, and a fill per color", () => {
    expect(CHART_INLINE_STYLES).toHaveLength(10);
    expect(CHART_INLINE_STYLES[0]).toBe("display: block;");
    expect(CHART_INLINE_STYLES[1]).toBe("fill: #2b6cb0");
    expect(CHART_INLINE_STYLES.at(-1)).toBe("fill: #a0aec0");
  });
});
