import {
  createExecutionContext,
  createScheduledController,
  reset,
  waitOnExecutionContext,
} from "cloudflare:test";
import { FINISH_CRON, isoDay, SUMMARY_CRON } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../src/index";
import { summarize } from "../src/run";
import {
  daysAgo,
  dumpSummary,
  failingPuts,
  seedRaw,
  seriesIn,
  systemId,
  testEnv,
  variedSystem,
} from "./helpers";

afterEach(async () => {
  vi.restoreAllMocks();
  await reset();
});

const request = (path: string, method = "PUT") =>
  worker.fetch(new Request(`http://summarizer.test${path}`, { method }), testEnv);

const dayOf = (dump: Record<string, string>) =>
  (seriesIn(dump).get("systems__total") ?? []).map(([day, n]) => [isoDay(day), n]);

/** Three systems last seen yesterday, two today. */
async function seedTwoDays(): Promise<void> {
  await seedRaw([
    ...[0, 1, 2].map((i) => ({ id: systemId(i), record: variedSystem(i, daysAgo(1)) })),
    ...[3, 4].map((i) => ({ id: systemId(i), record: variedSystem(i, daysAgo(0)) })),
  ]);
}

it("the cron summarizes the day that just ended and logs the report as one JSON line", async () => {
  await seedTwoDays();
  const log = vi.spyOn(console, "log");
  const ctx = createExecutionContext();
  // The cron fires at 00:00 UTC today (a few ms late, as real triggers are). A firing's time names
  // its Workflow instance, and instances outlive reset(): each test fires at a time of its own.
  // Called as the runtime does, with a context, so work moved into waitUntil is still awaited.
  const handler: ExportedHandler<SummarizerEnv> = worker;
  await handler.scheduled?.(
    createScheduledController({ scheduledTime: daysAgo(0) + 25, cron: SUMMARY_CRON }),
    testEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(dayOf(await dumpSummary())).toEqual([[isoDay(daysAgo(1)), 3]]);

  const lines = log.mock.calls.map((args) => JSON.parse(String(args[0])));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    event: "summary",
    trigger: "cron",
    day: isoDay(daysAgo(1)),
    systems: 3,
    persistent: 3,
    skipped: 0,
  });
  expect(Object.keys(lines[0])).toEqual(
    expect.arrayContaining(["day", "systems", "persistent", "skipped", "kvOps", "ms"]),
  );
});

it("the finishing cron finishes a failed run's writes only, and is silent when there is none", async () => {
  await seedTwoDays();
  const handler: ExportedHandler<SummarizerEnv> = worker;
  // 00:30, then 00:31: each firing is its own run (lock.test.ts fires at 00:20).
  let minute = 30;
  const fire = async (cron: string) => {
    const ctx = createExecutionContext();
    await handler.scheduled?.(
      createScheduledController({ scheduledTime: daysAgo(0) + minute++ * 60_000, cron }),
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
  };
  const log = vi.spyOn(console, "log");
  await fire(FINISH_CRON);
  expect(await dumpSummary()).toEqual({});
  expect(log).not.toHaveBeenCalled();

  // The nightly run stores its journal, then KV fails on the third write.
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n > 2) };
  await expect(summarize(broken, daysAgo(1))).rejects.toThrow(/injected/);
  const partial = await dumpSummary();
  expect(partial._journal).toBeDefined();
  expect(partial._page).toBeUndefined();
  await fire(FINISH_CRON);
  const finished = await dumpSummary();
  expect(finished._journal).toBeUndefined();
  expect(finished._page).toBeDefined();
  expect(dayOf(finished)).toEqual([[isoDay(daysAgo(1)), 3]]);
  const lines = log.mock.calls.map((args) => JSON.parse(String(args[0])));
  expect(lines).toEqual([
    expect.objectContaining({ event: "summary-finish", days: [isoDay(daysAgo(1))] }),
  ]);
});

it("PUT / summarizes today so far, PUT /?day= the given day", async () => {
  await seedTwoDays();
  const today = await request("/");
  expect(today.status).toBe(200);
  const report = await today.json();
  expect(Object.keys(report as object).sort()).toEqual(
    [
      "backfilled",
      "day",
      "invocations",
      "kvOps",
      "largestInvocation",
      "ms",
      "persistent",
      "skipped",
      "systems",
    ].sort(),
  );
  expect(report).toMatchObject({ day: isoDay(daysAgo(0)), systems: 2, persistent: 2 });

  const yesterday = await request(`/?day=${isoDay(daysAgo(1))}`);
  expect(await yesterday.json()).toMatchObject({ day: isoDay(daysAgo(1)), systems: 3 });
  expect(dayOf(await dumpSummary())).toEqual([
    [isoDay(daysAgo(1)), 3],
    [isoDay(daysAgo(0)), 2],
  ]);
});

it("refuses days that are not calendar days or have not begun, and other methods", async () => {
  // Not a day, tomorrow, and a day RAW no longer keeps (60 days back is the limit).
  for (const day of [
    "2026-02-30",
    "yesterday",
    "2026-1-1",
    isoDay(daysAgo(-1)),
    isoDay(daysAgo(60)),
  ]) {
    const res = await request(`/?day=${day}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: expect.any(String),
      issues: [{ path: "day" }],
    });
  }
  for (const method of ["GET", "POST", "DELETE"]) {
    const res = await request("/", method);
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("PUT");
  }
  expect(await dumpSummary()).toEqual({});
});

it("publishes only allowlisted components, from the PUBLISHED_COMPONENTS variable", async () => {
  await seedRaw(
    Array.from({ length: 30 }, (_, i) => ({
      id: systemId(i),
      record: variedSystem(i, daysAgo(1)),
    })),
  );
  await summarize({ ...testEnv, PUBLISHED_COMPONENTS: "core, rpm" }, daysAgo(1));
  const keys = [...seriesIn(await dumpSummary()).keys()];
  const components = new Set(
    keys.filter((k) => k.startsWith("versions")).map((k) => k.split("__")[1]),
  );
  expect([...components].sort()).toEqual(["core", "rpm"]);

  // The dev default list: file is public, the in-house plugin never is.
  await summarize(testEnv, daysAgo(1));
  const dump = await dumpSummary();
  const all = [...seriesIn(dump).keys()];
  expect(all).toContain("versions__file__1.16");
  expect(all.filter((k) => k.includes("inhouse"))).toEqual([]);
  // Nor in any value: not in `_page`, not in a journal left behind.
  expect(JSON.stringify(dump)).not.toContain("inhouse");
});
