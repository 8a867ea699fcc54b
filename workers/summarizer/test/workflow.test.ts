/**
 * The run as Workflow steps (src/workflow.ts): a RAW that needs dozens of small steps ends in the
 * bytes of the run carried in one call, through steps that fail and are run again, and a run
 * killed while it holds the lease stops blocking others once its lease lapses.
 */
import { introspectWorkflow, reset, runInDurableObject } from "cloudflare:test";
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { JOURNAL_KEY } from "@pulp-analytics/shared/store";
import { afterEach, expect, it } from "vitest";
import worker from "../src/index";
import { LEASE_MS, summaryLock } from "../src/lock";
import { countingKV, MAX_KV_OPS } from "../src/op-budget";
import { RUN_BUDGET, type RunBudget, summarize } from "../src/run";
import { type RunParams, waitForRun } from "../src/workflow";
import {
  daysAgo,
  dumpSummary,
  failingPuts,
  runWorkflow,
  seriesIn,
  systemId,
  TINY,
  testEnv,
  variedSystem,
} from "./helpers";

afterEach(() => reset());

const D = daysAgo(1);
/** `_page.generatedAt`, fixed so whole dumps compare byte for byte. */
const T = Date.UTC(2030, 0, 1);

/**
 * 300 installations checking in on D and some of the three days before, as `i` picks; D-3 is
 * summarized, the nights of D-2 and D-1 were missed, so a run of D fills them too.
 */
async function seed(): Promise<void> {
  const puts: Promise<void>[] = [];
  for (let i = 0; i < 300; i++) {
    const earlierDays = [1, 2, 3].filter((n) => (i + n) % 3 !== 0);
    const base = variedSystem(i, D);
    puts.push(
      testEnv.RAW.put(systemId(i), "{}", {
        metadata: encodeMeta(
          base.facts,
          { firstSeen: D - 5 * DAY_MS, lastCheckIn: base.lastCheckIn, earlierDays },
          "j",
        ),
      }),
    );
  }
  await Promise.all(puts);
}

const lockStub = () => summaryLock(testEnv.SUMMARY_LOCK);

/** A dev `PUT` of D through the Workflow with `budget`, `_page` stamped T. */
const runD = (id: string, budget: RunBudget) =>
  runWorkflow(id, { trigger: "put", day: D, now: T, budget });

/** SUMMARY after the run carried in one call, production's budget, from a fresh store. */
async function onePass(): Promise<Record<string, string>> {
  await reset();
  await seed();
  await summarize(testEnv, D - 3 * DAY_MS, { now: T });
  const run = await summarize(testEnv, D, { now: T });
  expect(run.report.backfilled).toEqual([isoDay(D - 2 * DAY_MS), isoDay(D - DAY_MS)]);
  const dump = await dumpSummary();
  await reset();
  await seed();
  await summarize(testEnv, D - 3 * DAY_MS, { now: T });
  return dump;
}

it("a run of dozens of small steps writes the bytes of the run in one call", async () => {
  const expected = await onePass();
  const output = await runD("tiny", TINY);
  expect(await dumpSummary()).toEqual(expected);
  if (!("report" in output)) throw new Error("not a summary run");
  // 30 scan slices of ten keys, three apply steps, plus the lease, the plan and the release.
  expect(output.report).toMatchObject({
    day: isoDay(D),
    systems: 300,
    backfilled: [isoDay(D - 2 * DAY_MS), isoDay(D - DAY_MS)],
    invocations: 1 + 1 + 30 + 3 + 1,
  });
  // The busiest step stays within what the budget allows: one page and its value reads, or an
  // apply step's reads and writes.
  expect(output.report.largestInvocation.kvOps).toBeGreaterThan(0);
  expect(output.report.largestInvocation.kvOps).toBeLessThanOrEqual(MAX_KV_OPS);
  expect(output.report.kvOps).toBeGreaterThan(output.report.largestInvocation.kvOps);
  // Points exist on every filled day, joint series included.
  const series = seriesIn(expected);
  for (const day of [D - 2 * DAY_MS, D - DAY_MS, D]) {
    expect(series.get("systems__total")?.find((p) => p[0] === day)?.[1]).toBeGreaterThan(0);
    expect(series.get("installed__core")?.find((p) => p[0] === day)?.[1]).toBeGreaterThan(0);
  }
  // And the sums are gone with the lease.
  await runInDurableObject(lockStub(), async (_instance, state) => {
    expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM partial").one().n).toBe(0);
    expect(await state.storage.get("lease")).toBeUndefined();
  });
});

it("steps that fail part way are run again and the run still writes the same bytes", async () => {
  const expected = await onePass();
  await using runs = await introspectWorkflow(testEnv.SUMMARY_RUN);
  await runs.modifyAll(async (m) => {
    await m.disableRetryDelays();
    // A slice in the middle and an apply step each die once; the engine runs them again.
    await m.mockStepError({ name: "scan 7" }, new Error("killed"), 1);
    await m.mockStepError({ name: "apply 1" }, new Error("killed"), 2);
  });
  await runD("killed-steps", TINY);
  expect(await dumpSummary()).toEqual(expected);
});

it("a run that dies for good leaves SUMMARY as it was and frees it; the next run writes the same bytes", async () => {
  const expected = await onePass();
  const before = await dumpSummary();
  {
    await using runs = await introspectWorkflow(testEnv.SUMMARY_RUN);
    await runs.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "scan 7" }, new Error("killed"));
    });
    const instance = await testEnv.SUMMARY_RUN.create({
      id: "dies",
      params: { trigger: "put", day: D, now: T, budget: TINY } satisfies RunParams,
    });
    const status = await waitForRun(instance, 120_000, 50);
    expect(status?.status).toBe("errored");
    expect(status?.error?.message).toMatch(/killed/);
  }
  expect(await dumpSummary()).toEqual(before);
  expect(await lockStub().holder()).toBeNull();
  await runD("after", TINY);
  expect(await dumpSummary()).toEqual(expected);
});

it("production's budget takes one slice for a small RAW", async () => {
  const output = await runD("one-slice", RUN_BUDGET);
  if (!("report" in output)) throw new Error("not a summary run");
  // An empty RAW: the lease, the plan, one slice, one apply step (D's), the release.
  expect(output.report.invocations).toBe(5);
  expect(output.report.systems).toBe(0);
});

it("a killed run's lease lapses within a minute; the next run drops its sums and finishes its journal", async () => {
  const expected = await onePass();
  // A run died holding the lease: its sums in the lock, its journal in SUMMARY (a write of its
  // apply step failed, then the runtime killed it).
  expect((await lockStub().acquire("killed-run", "cron")).ok).toBe(true);
  await lockStub().putPartials("killed-run", 0, [[D, '{"not":"used"}']]);
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n > 2) };
  await expect(summarize(broken, D, { now: T })).rejects.toThrow(/injected/);
  expect(await testEnv.SUMMARY.get(JOURNAL_KEY)).not.toBeNull();

  const put = () =>
    worker.fetch(
      new Request(`http://summarizer.test/?day=${isoDay(D)}`, { method: "PUT" }),
      testEnv,
    );
  const refused = await put();
  expect(refused.status).toBe(409);
  expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
  // Its last renewal was LEASE_MS − 1 s ago: a second later the lease is free.
  await runInDurableObject(lockStub(), async (_instance, state) => {
    const lease = (await state.storage.get("lease")) as { until: number };
    expect(lease.until - Date.now()).toBeLessThanOrEqual(LEASE_MS);
    await state.storage.put("lease", { ...lease, until: Date.now() + 1000 });
  });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const output = await runD("next", TINY);
  if (!("report" in output)) throw new Error("not a summary run");
  expect(output.replayed.length).toBeGreaterThan(0);
  expect(output.report.systems).toBe(300);
  expect(await dumpSummary()).toEqual(expected);
});

it("a slice also stops when it holds its budget of sums, and the bytes stay the same", async () => {
  const expected = await onePass();
  const run = await summarize(testEnv, D, {
    now: T,
    budget: { ...RUN_BUDGET, listLimit: 10, sumsPerSlice: 300 },
  });
  // Ten keys a page hold well over 300 sums over three days, so every slice is one page or two:
  // far more slices than the 30 pages' single one under the production budget.
  expect(run.report.invocations).toBeGreaterThan(1 + 15 + 1);
  expect(await dumpSummary()).toEqual(expected);
});

it("a step past its KV budget stops before Cloudflare's limit would cut it off", async () => {
  const counter = { ops: 0, limit: 3 };
  const raw = countingKV(testEnv.RAW, counter);
  for (let i = 0; i < 3; i++) await raw.get(systemId(i));
  await expect(raw.get(systemId(3))).rejects.toThrow(/3 KV operations/);
  expect(counter.ops).toBe(3);
});
