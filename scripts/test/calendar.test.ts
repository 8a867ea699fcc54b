/**
 * The benchmark's release calendar (bench/calendar.ts): deterministic, shaped like Pulp's
 * history as issue 9 describes it, and its two views of a day agree through the importer.
 */

import { DAY_MS } from "@pulp-analytics/shared/config";
import { HistoryImport } from "@pulp-analytics/shared/history";
import { parseSummaryConfig } from "@pulp-analytics/shared/summary";
import { describe, expect, it } from "vitest";
import { DJANGO_DUMP_ORDER, djangoRecords, ReleaseCalendar } from "../../bench/calendar";

const lastDay = Date.UTC(2026, 10, 20);
const calendar = new ReleaseCalendar({ years: 5, installations: 10_000, lastDay, seed: 3 });
const days = calendar.days();
const summarized = days.filter((day) => !calendar.isGap(day));
const sampled = [summarized[0], summarized[400], summarized[1000], summarized.at(-1)] as number[];

const share = (points: Map<string, number>, keys: string[]) =>
  keys.reduce((n, key) => n + (points.get(key) ?? 0), 0) / (points.get("systems__persistent") ?? 1);

describe("ReleaseCalendar", () => {
  it("spans the years asked for, ending on the last day", () => {
    expect(days.length).toBe(1826);
    expect(days.at(-1)).toBe(lastDay);
    expect(days[1] as number).toBe((days[0] as number) + DAY_MS);
  });

  it("is the same calendar for the same options", () => {
    const again = new ReleaseCalendar({ years: 5, installations: 10_000, lastDay, seed: 3 });
    for (const day of sampled) expect(again.dayPoints(day)).toEqual(calendar.dayPoints(day));
  });

  it("gives Django's rows that import as exactly its day points, min and max aside", () => {
    const published = parseSummaryConfig({}).publishedComponents;
    for (const day of sampled) {
      const history = new HistoryImport({ publishedComponents: published });
      const rows = calendar.djangoDay(day);
      if (!rows) throw new Error("a sampled day is a gap");
      for (const model of DJANGO_DUMP_ORDER) {
        for (const record of djangoRecords(rows, model)) {
          history.addDjangoRecord({ ...record, pk: record.pk ?? 1 });
        }
      }
      const imported = history.years().flatMap((year) => history.takeYear(year));
      const expected = new Map(
        [...calendar.dayPoints(day)].filter(([key]) => !/__(min|max)$/.test(key)),
      );
      expect(imported).toEqual([{ day, points: expected }]);
      expect(history.tally.offAllowlist).toBeGreaterThan(0);
    }
  });

  it("publishes no component off the allowlist", () => {
    const keys = [...calendar.dayPoints(lastDay).keys()];
    expect(keys.some((key) => key.includes("acme_internal"))).toBe(false);
    expect(calendar.djangoDay(lastDay)?.xy.some(([name]) => name === "acme_internal")).toBe(true);
  });

  it("has core at about 70 x.y over five years and each plugin at 10 to 40", () => {
    const xySeen = new Map<string, Set<string>>();
    for (const day of summarized.filter((_, i) => i % 7 === 0)) {
      for (const key of calendar.dayPoints(day).keys()) {
        const match = /^versions__([a-z_]+)__(\d+\.\d+)$/.exec(key);
        if (!match) continue;
        const [, component, xy] = match as unknown as [string, string, string];
        if (!xySeen.has(component)) xySeen.set(component, new Set());
        xySeen.get(component)?.add(xy);
      }
    }
    // Releases within the five years, plus the older ones still running on the first day.
    expect(xySeen.get("core")?.size).toBeGreaterThanOrEqual(70);
    expect(xySeen.get("core")?.size).toBeLessThanOrEqual(85);
    expect(xySeen.size).toBe(14);
    for (const [component, xys] of xySeen) {
      if (component !== "core") expect(xys.size, component).toBeLessThanOrEqual(55);
    }
  });

  it("moves PostgreSQL from 9.6 and 12 to 16 and 17, and grows the population", () => {
    const first = calendar.dayPoints(summarized[0] as number);
    const last = calendar.dayPoints(summarized.at(-1) as number);
    const old = ["postgresql__9.6", "postgresql__12"];
    const recent = ["postgresql__16", "postgresql__17"];
    expect(share(first, old)).toBeGreaterThan(0.5);
    expect(share(first, recent)).toBe(0);
    expect(share(last, recent)).toBeGreaterThan(share(last, old));
    expect(last.get("systems__total")).toBeGreaterThan(3 * (first.get("systems__total") ?? 0));
  });

  it("adopts a release after it comes out and leaves it as newer ones come", () => {
    // Weekly: every day would cost seconds on a busy machine.
    const weekly = summarized.filter((_, i) => i % 7 === 0);
    const series = weekly.map((day) => calendar.dayPoints(day).get("versions__core__3.50") ?? 0);
    const peak = series.indexOf(Math.max(...series));
    expect(series[0]).toBe(0);
    expect(peak).toBeGreaterThan(0);
    expect(series.at(-1) as number).toBeLessThan((series[peak] as number) / 3);
  });

  it("has days Django never summarized, with no point at all", () => {
    const gaps = days.filter((day) => calendar.isGap(day));
    expect(gaps.length).toBeGreaterThan(0);
    for (const day of gaps) {
      expect(calendar.djangoDay(day)).toBeNull();
      expect(calendar.dayPoints(day).size).toBe(0);
    }
  });
});
