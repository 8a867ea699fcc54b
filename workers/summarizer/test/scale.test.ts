import { PAGE_KEY } from "@pulp-analytics/shared/keys";
import type { PageData } from "@pulp-analytics/shared/page";
import { parseSummaryConfig, summarizeDay } from "@pulp-analytics/shared/summary";
import { isoDay } from "@pulp-analytics/shared/time";
import { expect, it } from "vitest";
import worker from "../src/index";
import type { RunReport } from "../src/run";
import { daysAgo, dumpSummary, seedRaw, systemId, testEnv, variedSystem } from "./helpers";

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
  const config = parseSummaryConfig({
    persistentMinAgeDays: testEnv.PERSISTENT_MIN_AGE_DAYS,
    publishedComponents: testEnv.PUBLISHED_COMPONENTS,
  });
  const expected = summarizeDay(
    D,
    systems.map((s) => s.record),
    config,
  );
  const W = expected.points.size;

  const first = await put(D);
  // 3 RAW list pages (1,000 + 1,000 + 500), 1 SUMMARY list (empty, nothing to read), then
  // journal put, one put per series, `_page` put, journal delete. No RAW value is read.
  expect(first).toMatchObject({ day: isoDay(D), systems: N, persistent: N, skipped: 0 });
  // + 1: the interim page views also write this year's weekly history (h:<YYYY>).
  expect(first.kvOps).toBe(3 + 1 + 1 + W + 1 + 1 + 1);
  expect(W).toBeGreaterThan(100);
  expect(first.ms).toBeGreaterThanOrEqual(0);

  const dump = await dumpSummary();
  expect(
    Object.keys(dump)
      .filter((k) => !k.startsWith("h:"))
      .sort(),
  ).toEqual([...expected.points.keys(), PAGE_KEY].sort());
  for (const [key, value] of expected.points)
    expect(JSON.parse(dump[key] ?? "")).toEqual([[D, value]]);
  expect(dump.systems__total).toBe(`[[${D},${N}]]`);
  expect(Object.keys(dump).filter((k) => k.includes("inhouse"))).toEqual([]);

  const page = JSON.parse(dump[PAGE_KEY] ?? "") as PageData;
  expect(page.asOf).toBe(D);
  // Interim (page-charts branch): every series is in the page data, daily or as of the day.
  expect([...Object.keys(page.recent.series), ...Object.keys(page.latestXyz)].sort()).toEqual(
    [...expected.points.keys()].sort(),
  );

  // The rerun reads everything (3 RAW pages, 1 SUMMARY list, W series in bulk reads of 100)
  // and finds nothing to change: SUMMARY stays identical, byte for byte.
  const second = await put(D);
  expect(second).toMatchObject({ day: isoDay(D), systems: N, persistent: N, skipped: 0 });
  expect(second.kvOps).toBe(3 + 1 + Math.ceil(W / 100));
  expect(await dumpSummary()).toEqual(dump);
});
