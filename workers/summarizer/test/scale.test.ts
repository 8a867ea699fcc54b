import { reset } from "cloudflare:test";
import { isoDay } from "@pulp-analytics/shared/config";
import {
  chunkKey,
  groupOf,
  keysKey,
  PAGE_KEY,
  type PageData,
  unpackBlock,
  weeklyKey,
} from "@pulp-analytics/shared/store";
import { summarizeDay } from "@pulp-analytics/shared/summary";
import { afterEach, expect, it } from "vitest";
import worker from "../src/index";
import { type RunReport, summaryConfig } from "../src/run";
import {
  daysAgo,
  dumpSummary,
  seedRaw,
  seriesIn,
  systemId,
  testEnv,
  variedSystem,
} from "./helpers";

afterEach(() => reset());

const N = 2_500;
const D = daysAgo(2);

async function put(day: number): Promise<RunReport> {
  const res = await worker.fetch(
    new Request(`http://summarizer.test/?day=${isoDay(day)}`, { method: "PUT" }),
    testEnv,
  );
  expect(res.status).toBe(200);
  return res.json();
}

it("summarizes thousands of systems from list pages alone, then reruns without a write", async () => {
  const systems = Array.from({ length: N }, (_, i) => ({
    id: systemId(i),
    record: variedSystem(i, D),
  }));
  await seedRaw(systems);
  const config = summaryConfig(testEnv);
  const expected = summarizeDay(
    D,
    systems.map((s) => s.record),
    config,
  );
  const W = expected.points.size;

  const groups = new Set([...expected.points.keys()].map(groupOf));

  const first = await put(D);
  // 3 RAW list pages (1,000 + 1,000 + 500), 2 SUMMARY lists (the days already summarized, then
  // the store's; empty, nothing to read), then journal put, one put per group's year chunk, the
  // weekly history, the key list, `_page`, journal delete. No RAW value is read, and the count
  // follows groups, not series.
  expect(first).toMatchObject({ day: isoDay(D), systems: N, persistent: N, skipped: 0 });
  expect(first.kvOps).toBe(3 + 2 + 1 + groups.size + 2 + 1 + 1);
  expect(W).toBeGreaterThan(100);
  // 18 single-fact groups, and the joint ones: core × PostgreSQL, installed, together, and one
  // plugin × core table per plugin the systems run (file and rpm).
  expect(
    [...groups].filter((g) => /^(core_postgresql|installed|together|plugin_core__)/.test(g)).sort(),
  ).toEqual(["core_postgresql", "installed", "plugin_core__file", "plugin_core__rpm", "together"]);
  expect(groups.size).toBeLessThan(25);
  expect(first.ms).toBeGreaterThanOrEqual(0);

  const dump = await dumpSummary();
  const year = new Date(D).getUTCFullYear();
  expect(Object.keys(dump).sort()).toEqual(
    [...[...groups].map((g) => chunkKey(g, year)), weeklyKey(year), keysKey(year), PAGE_KEY].sort(),
  );
  const stored = seriesIn(dump);
  expect(stored).toEqual(new Map([...expected.points].map(([key, value]) => [key, [[D, value]]])));
  expect(JSON.stringify(dump)).not.toContain("inhouse");

  const page = JSON.parse(dump[PAGE_KEY] ?? "") as PageData;
  expect(page.asOf).toBe(D);
  expect(unpackBlock(page.recent).get("systems__total")).toEqual([[D, N]]);

  // The rerun reads everything (3 RAW pages; the system counts' chunk, a list and a read; the
  // store's list and one bulk read of the year) and finds nothing to change: SUMMARY stays
  // identical, byte for byte.
  const second = await put(D);
  expect(second).toMatchObject({ day: isoDay(D), systems: N, persistent: N, skipped: 0 });
  expect(second.kvOps).toBe(3 + 2 + 2);
  expect(await dumpSummary()).toEqual(dump);
});
