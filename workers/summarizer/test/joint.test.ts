import { reset } from "cloudflare:test";
import type { Facts } from "@pulp-analytics/shared/checkin";
import { afterEach, expect, it } from "vitest";
import { summarize } from "../src/run";
import { daysAgo, dumpSummary, seedRaw, seriesIn, systemId, testEnv } from "./helpers";

afterEach(() => reset());

const D1 = daysAgo(2);
const D2 = daysAgo(1);

function system(i: number, day: number, components: Record<string, string>, pg: number) {
  const facts: Facts = {
    components: Object.entries(components).map(([name, version]) => ({ name, version })),
    onlineWorkers: null,
    onlineContentApps: null,
    postgresqlVersion: pg,
    rbacStats: null,
  };
  return { id: systemId(i), record: { firstSeen: D1, lastCheckIn: day + 3_600_000, facts } };
}

const valueOn = (series: Map<string, [number, number][]>, key: string, day: number) =>
  series.get(key)?.find((p) => p[0] === day)?.[1];

it("publishes a brand-new core and plugin release's joint cells the first night; a flood waits by row", async () => {
  // Night 1: 30 on core 3.79 with rpm 3.29 (PostgreSQL 16), 30 on core 3.79 with file (15).
  const night1 = Array.from({ length: 60 }, (_, i) =>
    i < 30
      ? system(i, D1, { core: "3.79.0", rpm: "3.29.0" }, 160000)
      : system(i, D1, { core: "3.79.1", file: "1.16.0" }, 150000),
  );
  await seedRaw(night1);
  await summarize(testEnv, D1);

  // Night 2: core 3.80 and rpm 3.30 are released; 20 take both, 10 stay, the 30 file
  // installations take core 3.80. And 125 fake installations invent 25 rpm versions, 5 each.
  const night2 = [
    ...Array.from({ length: 60 }, (_, i) =>
      i < 20
        ? system(i, D2, { core: "3.80.0", rpm: "3.30.0" }, 160000)
        : i < 30
          ? system(i, D2, { core: "3.79.0", rpm: "3.29.0" }, 160000)
          : system(i, D2, { core: "3.80.0", file: "1.16.0" }, 150000),
    ),
    ...Array.from({ length: 125 }, (_, j) =>
      system(1000 + j, D2, { core: "3.79.0", rpm: `${900 + Math.floor(j / 5)}.0.0` }, 160000),
    ),
  ];
  await seedRaw(night2);
  const { applied } = await summarize(testEnv, D2);
  const series = seriesIn(await dumpSummary());

  // The real release: a new row of core × PostgreSQL, a new column of each plugin's table, a
  // new row of rpm's table, all on the first night.
  expect(valueOn(series, "core_postgresql__3.80__16", D2)).toBe(20);
  expect(valueOn(series, "core_postgresql__3.80__15", D2)).toBe(30);
  expect(valueOn(series, "plugin_core__rpm__3.30__3.80", D2)).toBe(20);
  expect(valueOn(series, "plugin_core__file__1.16__3.80", D2)).toBe(30);
  expect(valueOn(series, "plugin_core__rpm__3.29__3.79", D2)).toBe(10);
  expect(valueOn(series, "together__core__rpm", D2)).toBe(30 + 125);
  expect(valueOn(series, "installed__file", D2)).toBe(30);
  // The flood: 26 new rows in rpm's table (3.30 and 25 invented), 20 admitted, the largest
  // (3.30) first, then by name; each admitted row whole, so rows stay exact.
  const dropped = applied.capped.filter((key) => key.startsWith("plugin_core__"));
  expect(dropped).toEqual(
    [919, 920, 921, 922, 923, 924].map((v) => `plugin_core__rpm__${v}.0__3.79`),
  );
  for (let v = 900; v <= 918; v++) {
    expect(valueOn(series, `plugin_core__rpm__${v}.0__3.79`, D2)).toBe(5);
    expect(valueOn(series, `versions__rpm__${v}.0`, D2)).toBe(5);
  }
  expect(applied.capped.some((key) => key.startsWith("core_postgresql__"))).toBe(false);
  // The joint groups are one chunk each (a plugin's table one per plugin), out of the page.
  const names = Object.keys(await dumpSummary());
  for (const group of ["core_postgresql", "plugin_core__rpm", "installed", "together"]) {
    expect(names.some((name) => name.startsWith(`c:${group}:`))).toBe(true);
  }
  const page = JSON.parse((await testEnv.SUMMARY.get("_page", "text")) ?? "{}");
  expect(Object.keys(page.recent.series).some((k) => k.startsWith("core_postgresql__"))).toBe(
    false,
  );
  expect(Object.keys(page.latestXyz).some((k) => k.startsWith("together__"))).toBe(false);
});
