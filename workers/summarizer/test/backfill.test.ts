import { reset } from "cloudflare:test";
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { healthOf } from "@pulp-analytics/shared/opendata";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { PAGE_KEY, type PageData } from "@pulp-analytics/shared/store";
import { type SystemRecord, summarizeDay } from "@pulp-analytics/shared/summary";
import { afterEach, expect, it } from "vitest";
import { summarize, summaryConfig } from "../src/run";
import { daysAgo, dumpSummary, seriesIn, systemId, testEnv, variedSystem } from "./helpers";

afterEach(() => reset());

const isJoint = (key: string) => /^(core_postgresql|plugin_core|installed|together)__/.test(key);

const D = daysAgo(1);
const config = () => summaryConfig(testEnv);

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

it("a day has the same bytes whether a later night filled it, it ran on its own or it ran again", async () => {
  const [d3, d2, d1] = [D - 3 * DAY_MS, D - 2 * DAY_MS, D - DAY_MS];
  // Every day of the week: 0–9 from D-3 to D; 10–14 on D-3 and D-2 only; 15–19 on D-1 and D.
  const systems = [
    ...Array.from({ length: 10 }, (_, i) => checkedIn(i, [d3, d2, d1, D])),
    ...Array.from({ length: 5 }, (_, i) => checkedIn(10 + i, [d3, d2])),
    ...Array.from({ length: 5 }, (_, i) => checkedIn(15 + i, [d1, D])),
  ];
  const now = D + 3_600_000;

  // Filled: D-3 was summarized on its night; the nights of D-2 and D-1 were missed.
  await store(systems);
  await summarize(testEnv, d3, { now });
  const before = JSON.parse((await testEnv.SUMMARY.get(PAGE_KEY, "text")) ?? "") as PageData;
  expect(healthOf(before, Date.now(), 0).status).toBe("stale");
  const run = await summarize(testEnv, D, { now });
  expect(run.report.backfilled).toEqual([isoDay(d2), isoDay(d1)]);
  const filled = await dumpSummary();
  // Every day, filled or not, has the whole rule's points, joint series included.
  for (const day of [d3, d2, d1, D]) {
    expect(pointsOn(filled, day), isoDay(day)).toEqual(expectedPoints(systems, day));
    expect([...pointsOn(filled, day).keys()].some(isJoint), isoDay(day)).toBe(true);
  }
  expect(pointsOn(filled, d2).get("systems__total")).toBe(15);
  expect(pointsOn(filled, d1).get("systems__total")).toBe(15);
  const after = JSON.parse((await testEnv.SUMMARY.get(PAGE_KEY, "text")) ?? "") as PageData;
  expect(after.asOf).toBe(D);
  expect(healthOf(after, Date.now(), 0).status).toBe("ok");

  // Run again: D-2 and D-1 each on their own (D-2's systems 0–9 have checked in twice since:
  // still all 15). Not a byte changes.
  for (const day of [d2, d1]) {
    const again = await summarize(testEnv, day, { now });
    expect(again.report).toMatchObject({ day: isoDay(day), systems: 15, backfilled: [] });
    expect(again.applied.writes + again.applied.deletes).toBe(0);
  }
  expect(await dumpSummary()).toEqual(filled);

  // Each day on its own night, from the start: the same bytes again.
  await reset();
  await store(systems);
  for (const day of [d3, d2, d1, D]) {
    expect((await summarize(testEnv, day, { now })).report.backfilled).toEqual([]);
  }
  expect(await dumpSummary()).toEqual(filled);

  // Nothing missing: the next run fills nothing.
  expect((await summarize(testEnv, D, { now })).report.backfilled).toEqual([]);
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
