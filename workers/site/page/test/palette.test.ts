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

  it("colors a version by the last number of its name, each color once in a chart", () => {
    // From the top: 3.78 is 78 % 8 = 6, 3.77 is 5; the band "3.64–3.70" by 70 is 6, taken by
    // 3.78: the next free, 7.
    expect(versionColors(["Other", "3.64–3.70", "3.77", "3.78"])).toEqual([
      OTHER_COLOR,
      CHART_COLORS[7],
      CHART_COLORS[5],
      CHART_COLORS[6],
    ]);
    // 3.78 alone, or under other bands, keeps 6.
    expect(versionColors(["3.78"])).toEqual([CHART_COLORS[6]]);
    // 3.62 and 3.70 are both 6 (62 % 8 = 70 % 8): the newer keeps it, the older moves to 7.
    expect(versionColors(["3.62", "3.70"])).toEqual([CHART_COLORS[7], CHART_COLORS[6]]);
    // 3.4–3.12 and 3.30–3.36 are both 4, not neighbours: still each its own (4, then 5).
    expect(versionColors(["3.4–3.12", "3.22–3.29", "3.30–3.36"])).toEqual([
      CHART_COLORS[6],
      CHART_COLORS[5],
      CHART_COLORS[4],
    ]);
    // "unknown" (on top) has no number: after its neighbour's (none: 0); 18 is 2.
    expect(versionColors(["18", "unknown"])).toEqual([CHART_COLORS[2], CHART_COLORS[0]]);
  });

  it("with more bands than colors, repeats colors but never on neighbours", () => {
    // Ten majors 10 … 19: from the top 19 → 3, 18 → 2, … 12 → 4, 11 → 3 (taken by 19 but
    // only the neighbour 12 (4) is avoided: 3), 10 → 2.
    const majors = Array.from({ length: 10 }, (_, i) => String(10 + i));
    const colors = versionColors(majors);
    expect(colors).toEqual([2, 3, 4, 5, 6, 7, 0, 1, 2, 3].map((i) => CHART_COLORS[i]));
    colors.forEach((color, i) => {
      if (i > 0) expect(color).not.toBe(colors[i - 1]);
    });
  });
});
