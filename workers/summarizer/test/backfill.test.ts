import { reset } from "cloudflare:test";
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { healthOf } from "@pulp-analytics/shared/opendata";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { PAGE_KEY, type PageData } from "@pulp-analytics/shared/store";
import {
  parseSummaryConfig,
  type SystemRecord,
  summarizeDay,
} from "@pulp-analytics/shared/summary";
import { afterEach, expect, it } from "vitest";
import worker from "../src/index";
import { type RunReport, summarize } from "../src/run";
import { daysAgo, dumpSummary, seriesIn, systemId, testEnv, variedSystem } from "./helpers";

afterEach(() => reset());

const isJoint = (key: string) => /^(core_postgresql|plugin_core|installed|together)__/.test(key);

const D = daysAgo(1);
const config = () =>
  parseSummaryConfig({
    persistentMinAgeDays: testEnv.PERSISTENT_MIN_AGE_DAYS,
    publishedComponents: testEnv.PUBLISHED_COMPONENTS,
  });

/** A system that checked in on `days` (00:00 UTC, ascending), as ingest records it in RAW. */
function checkedIn(i: number, days: number[]): { id: string; record: SystemRecord } {
  const last = days[days.length - 1] as number;
  const base = variedSystem(i, last);
  return {
    id: systemId(i),
    record: { ...base, firstSeen: (days[0] as number) - 3 * DAY_MS, days },
  };
}

async function store(systems: { id: string; record: SystemRecord }[]): Promise<void> {
  for (const { id, record } of systems) {
    const days = record.days ?? [];
    const last = days[days.length - 1] as number;
    const earlierDays = days.map((d) => Math.round((last - d) / DAY_MS)).filter((n) => n > 0);
    await testEnv.RAW.put(id, "{}", {
      metadata: encodeMeta(
        record.facts,
        { firstSeen: record.firstSeen, lastCheckIn: record.lastCheckIn, earlierDays },
        "j",
      ),
    });
  }
}

/** What a day's points are from these systems' records: the rule, computed directly. */
const expectedPoints = (systems: { record: SystemRecord }[], day: number) =>
  summarizeDay(
    day,
    systems.map((s) => s.record),
    config(),
  ).points;

const pointsOn = (dump: Record<string, string>, day: number) =>
  new Map(
    [...seriesIn(dump)].flatMap(([key, points]) => {
      const point = points.find((p) => p[0] === day);
      return point ? [[key, point[1]] as const] : [];
    }),
  );

it("a skipped night is filled exactly by the next run, and a past day rerun keeps its systems", async () => {
  const [d3, d2, d1] = [D - 3 * DAY_MS, D - 2 * DAY_MS, D - DAY_MS];
  // Every day of the week: 0–9 from D-3 to D; 10–14 on D-3 and D-2 only; 15–19 on D-1 and D.
  const systems = [
    ...Array.from({ length: 10 }, (_, i) => checkedIn(i, [d3, d2, d1, D])),
    ...Array.from({ length: 5 }, (_, i) => checkedIn(10 + i, [d3, d2])),
    ...Array.from({ length: 5 }, (_, i) => checkedIn(15 + i, [d1, D])),
  ];
  await store(systems);

  // D-3 was summarized on its night; the nights of D-2 and D-1 were missed.
  await summarize(testEnv, d3);
  const before = JSON.parse((await testEnv.SUMMARY.get(PAGE_KEY, "text")) ?? "") as PageData;
  expect(healthOf(before, Date.now(), 0).status).toBe("stale");

  const run = await summarize(testEnv, D);
  expect(run.report.backfilled).toEqual([isoDay(d2), isoDay(d1)]);
  const dump = await dumpSummary();
  // A night filled gets the single-fact series; the joint series are counted for the run's day.
  for (const day of [d3, D]) {
    expect(pointsOn(dump, day), isoDay(day)).toEqual(expectedPoints(systems, day));
  }
  for (const day of [d2, d1]) {
    const singleFact = [...expectedPoints(systems, day)].filter(([key]) => !isJoint(key));
    expect(pointsOn(dump, day), isoDay(day)).toEqual(new Map(singleFact));
  }
  expect(pointsOn(dump, d2).get("systems__total")).toBe(15);
  expect(pointsOn(dump, d1).get("systems__total")).toBe(15);
  const after = JSON.parse((await testEnv.SUMMARY.get(PAGE_KEY, "text")) ?? "") as PageData;
  expect(after.asOf).toBe(D);
  expect(healthOf(after, Date.now(), 0).status).toBe("ok");

  // A rerun of D-2, whose systems 0–9 have checked in twice since: still all 15.
  const res = await worker.fetch(
    new Request(`http://summarizer.test/?day=${isoDay(d2)}`, { method: "PUT" }),
    testEnv,
  );
  const report: RunReport = await res.json();
  expect(report).toMatchObject({ day: isoDay(d2), systems: 15, backfilled: [] });
  // The rerun is D-2's own run: its points are now the whole rule's, joint series included, and
  // every other day is as it was.
  const rerun = await dumpSummary();
  expect(pointsOn(rerun, d2)).toEqual(expectedPoints(systems, d2));
  expect([...pointsOn(rerun, d2).keys()].some(isJoint)).toBe(true);
  for (const day of [d3, d1, D]) expect(pointsOn(rerun, day)).toEqual(pointsOn(dump, day));

  // Nothing missing: the next run fills nothing.
  expect((await summarize(testEnv, D)).report.backfilled).toEqual([]);
});

it("fills only the retention window, oldest first, and never a day nobody checked in on", async () => {
  const days = [daysAgo(70), daysAgo(59), daysAgo(30), daysAgo(29)];
  const systems = [
    checkedIn(0, [days[1] as number, days[3] as number]),
    checkedIn(1, [days[2] as number]),
  ];
  // A system last seen 70 days ago would have expired from RAW; an entry claiming it is ignored.
  const old = checkedIn(2, [days[0] as number]);
  await store([...systems, old]);
  const run = await summarize(testEnv, D);
  // The window is the 60 days up to D (yesterday): 59 days ago is inside, 70 is not.
  expect(run.report.backfilled).toEqual(days.slice(1).map((d) => isoDay(d as number)));
  const dump = await dumpSummary();
  expect(pointsOn(dump, days[0] as number).size).toBe(0);
});
