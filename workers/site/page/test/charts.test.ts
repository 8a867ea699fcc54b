import { describe, expect, it } from "vitest";
import { drawnPoints } from "../model";

describe("chart models", () => {
  it("count the points a chart draws: its values above 0", () => {
    const chart = {
      labels: ["2026-04-01", "2026-04-02"],
      datasets: [
        { name: "All", values: [0, 2] },
        { name: "Persistent", values: [1, 0.5] },
      ],
      keys: [],
    };
    expect(drawnPoints(chart)).toBe(3);
    expect(drawnPoints({ ...chart, datasets: [{ name: "All", values: [0, 0] }] })).toBe(0);
    expect(drawnPoints({ labels: [], datasets: [], keys: [] })).toBe(0);
  });
});
