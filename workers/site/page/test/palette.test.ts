import { describe, expect, it } from "vitest";
import {
  CHART_COLORS,
  CHART_INLINE_STYLES,
  OTHER_COLOR,
  seriesColors,
  versionColors,
} from "../model";

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
}
const contrast = (a: string, b: string) => {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return ((light as number) + 0.05) / ((dark as number) + 0.05);
};

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
    expect(CHART_INLINE_STYLES[1]).toBe("fill: #332288");
    expect(CHART_INLINE_STYLES.at(-1)).toBe("fill: #a0aec0");
  });

  it("keeps neighbouring colors apart in lightness, the last and the first too", () => {
    // #332288 is 0.0363 and #e69f00 0.4162: (0.4662 / 0.0863) ≈ 5.40.
    expect(contrast("#332288", "#e69f00")).toBeCloseTo(5.4, 1);
    CHART_COLORS.forEach((color, i) => {
      const next = CHART_COLORS[(i + 1) % CHART_COLORS.length] as string;
      expect(contrast(color, next), `${color} / ${next}`).toBeGreaterThanOrEqual(2.4);
    });
  });

  it("colors a version by the last number of its name, whatever else the chart holds", () => {
    // 3.78: 78 % 8 = 6; 3.77: 5; a band "3.64–3.70" by 70: 6, which its neighbour 3.78 does
    // not have below it here (3.77 is between), so it keeps 6.
    expect(versionColors(["Other", "3.64–3.70", "3.77", "3.78"])).toEqual([
      OTHER_COLOR,
      CHART_COLORS[6],
      CHART_COLORS[5],
      CHART_COLORS[6],
    ]);
    expect(versionColors(["3.78"])).toEqual([CHART_COLORS[6]]);
    // 3.62 and 3.70 are both 6 (62 % 8 = 70 % 8): the upper one moves on to 7.
    expect(versionColors(["3.62", "3.70"])).toEqual([CHART_COLORS[6], CHART_COLORS[7]]);
    // 3.63 and 3.71: 7 and 7, the upper one wraps to 0; "unknown" follows 18 (2): 3.
    expect(versionColors(["3.63", "3.71"])).toEqual([CHART_COLORS[7], CHART_COLORS[0]]);
    expect(versionColors(["18", "unknown"])).toEqual([CHART_COLORS[2], CHART_COLORS[3]]);
  });
});
