/**
 * One run at a time (src/lock.ts) and the converging run: two runs never both write SUMMARY, a
 * refused run says so and writes nothing, a killed run's lease expires, and the 00:10 run counts
 * check-ins the 00:00 run's listing had not caught up with.
 */
import {
  createExecutionContext,
  createScheduledController,
  introspectWorkflow,
  reset,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { CONVERGE_CRON, FINISH_CRON, isoDay, SUMMARY_CRON } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../src/index";
import { LEASE_MS, summaryLock } from "../src/lock";
import {
  daysAgo,
  dumpSummary,
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

const lockStub = () => summaryLock(testEnv.SUMMARY_LOCK);

const put = (day: number) =>
  worker.fetch(
    new Request(`http://summarizer.test/?day=${isoDay(day)}`, { method: "PUT" }),
    testEnv,
  );

async function fire(cron: string, at: number): Promise<void> {
  const ctx = createExecutionContext();
  const handler: ExportedHandler<SummarizerEnv> = worker;
  await handler.scheduled?.(createScheduledController({ scheduledTime: at, cron }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

const on = (day: number, from: number, count: number) =>
  Array.from({ length: count }, (_, k) => ({
    id: systemId(from + k),
    record: variedSystem(from + k, day),
  }));

const totals = (dump: Record<string, string>) =>
  (seriesIn(dump).get("systems__total") ?? []).map(([day, n]) => [isoDay(day), n]);

it("a run while another holds SUMMARY is refused with a 409 and writes nothing", async () => {
  await seedRaw(on(daysAgo(1), 0, 20));
  const held = await lockStub().acquire("a-run", "test");
  expect(held.ok).toBe(true);

  const refused = await put(daysAgo(1));
  expect(refused.status).toBe(409);
  expect(refused.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  const body = (await refused.json()) as { error: string };
  expect(body.error).toMatch(
    /another summary run \(test\) has held SUMMARY since .*nothing was written/,
  );
  expect(await dumpSummary()).toEqual({});

  // The nightly cron waits for the lease (retries 30 s apart, here without the waits), then
  // fails loudly (the next run fills the day); a finishing one skips quietly.
  await using runs = await introspectWorkflow(testEnv.SUMMARY_RUN);
  await runs.modifyAll(async (m) => {
    await m.disableRetryDelays();
  });
  const error = vi.spyOn(console, "error");
  await expect(fire(SUMMARY_CRON, daysAgo(0) + 15)).rejects.toThrow(/another summary run/);
  expect(JSON.parse(String(error.mock.calls[0]?.[0]))).toMatchObject({ event: "summary" });
  await fire(FINISH_CRON, daysAgo(0) + 1_200_000);
  expect(await dumpSummary()).toEqual({});

  if (held.ok) await lockStub().release(held.token);
  expect((await put(daysAgo(1))).status).toBe(200);
  expect(totals(await dumpSummary())).toEqual([[isoDay(daysAgo(1)), 20]]);
});

it("a lease its run never released (the run was killed) ends after LEASE_MS", async () => {
  await seedRaw(on(daysAgo(1), 0, 5));
  expect((await lockStub().acquire("killed", "cron")).ok).toBe(true);
  expect((await put(daysAgo(1))).status).toBe(409);
  // The lease as it is when LEASE_MS has passed.
  await runInDurableObject(lockStub(), async (_instance, state) => {
    const lease = (await state.storage.get("lease")) as { since: number; until: number };
    expect(lease.until - lease.since).toBe(LEASE_MS);
    await state.storage.put("lease", { ...lease, until: Date.now() - 1 });
  });
  expect((await put(daysAgo(1))).status).toBe(200);
  // Released: the next run takes it at once.
  expect((await put(daysAgo(1))).status).toBe(200);
});

it("two runs racing for two days of one year never lose each other's days", async () => {
  const [a, b] = [daysAgo(3), daysAgo(2)];
  await seedRaw([...on(a, 0, 30), ...on(b, 100, 40)]);
  for (let round = 0; round < 3; round++) {
    await reset();
    await seedRaw([...on(a, 0, 30), ...on(b, 100, 40)]);
    const answers = await Promise.all([put(a), put(b)]);
    const statuses = answers.map((r) => r.status).sort();
    // One wins; the other is refused, or ran after it. Neither ran beside the other.
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 409) expect((await put([a, b][i] as number)).status).toBe(200);
    }
    expect(totals(await dumpSummary())).toEqual([
      [isoDay(a), 30],
      [isoDay(b), 40],
    ]);
  }
});

it("the 00:10 run counts the day's late check-ins the 00:00 run did not list, then writes nothing", async () => {
  const day = daysAgo(1);
  await seedRaw(on(day, 0, 10));
  // Not the first test's 00:00:00.015: a firing's time names its Workflow instance, and
  // instances outlive reset().
  await fire(SUMMARY_CRON, daysAgo(0) + 16);
  expect(totals(await dumpSummary())).toEqual([[isoDay(day), 10]]);

  // Three check-ins of the day's last moments, listed only after the 00:00 run.
  await seedRaw(on(day, 50, 3));
  const log = vi.spyOn(console, "log");
  await fire(CONVERGE_CRON, daysAgo(0) + 600_000);
  const converged = await dumpSummary();
  expect(totals(converged)).toEqual([[isoDay(day), 13]]);
  expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({
    event: "summary",
    trigger: "converge",
    day: isoDay(day),
    systems: 13,
  });

  // Run again over the same RAW: the same bytes, `_page`'s stamp aside.
  await fire(CONVERGE_CRON, daysAgo(0) + 600_000);
  const again = await dumpSummary();
  const unstamped = (dump: Record<string, string>) => ({
    ...dump,
    _page: dump._page?.replace(/"generatedAt":\d+/, ""),
  });
  expect(unstamped(again)).toEqual(unstamped(converged));
});
