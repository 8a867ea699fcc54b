/**
 * The movement series (shared/src/summary/movement.ts) through real runs: a population upgrades
 * over three simulated nights, RAW rewritten each night as ingest would (metadata with each
 * component's movement), and the series read back exactly; then the same nights through the
 * Workflow with a tiny budget, its sums carried between dozens of steps, end in the same bytes.
 */
import { introspectWorkflow, reset } from "cloudflare:test";
import type { Facts } from "@pulp-analytics/shared/checkin";
import { DAY_MS } from "@pulp-analytics/shared/config";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { afterEach, expect, it } from "vitest";
import { summarize } from "../src/run";
import { waitForRun } from "../src/workflow";
import { daysAgo, dumpSummary, runWorkflow, seriesIn, systemId, TINY, testEnv } from "./helpers";

afterEach(() => reset());

const A = daysAgo(3);
const B = daysAgo(2);
const C = daysAgo(1);
const NIGHTS = [A, B, C];
/** `_page.generatedAt`, fixed so whole dumps compare byte for byte. */
const T = Date.UTC(2030, 0, 1);

/** UTC day number of an epoch ms day. */
const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);

type Component = { version: string; since: number; known?: boolean; previous?: string };

/**
 * Installation `i` on night `n` (0, 1, 2 for A, B, C): its components with their movement, as
 * ingest would have recorded them by then. `null` movement: an entry without any (version 1).
 */
function state(i: number, n: number): Record<string, Component> | null {
  const core = (version: string, since: number, extra: Partial<Component> = {}) => ({
    version,
    since,
    ...extra,
  });
  const rpm = { version: "3.28.2", since: A - 40 * DAY_MS };
  if (i >= 30) return null;
  if (i < 20) {
    // 0..5 go 3.9 → 3.11 on B, 6..7 3.9 → 3.10 on B, 8..14 3.9 → 3.10 on C, 15..19 stay.
    const stay = core("3.9.4", A - 200 * DAY_MS);
    if (i < 6 && n >= 1) return { core: core("3.11.0", B, { previous: "3.9" }), rpm };
    if (i < 8 && n >= 1) return { core: core("3.10.1", B, { previous: "3.9" }), rpm };
    if (i < 15 && n >= 2) return { core: core("3.10.1", C, { previous: "3.9" }), rpm };
    return { core: stay, rpm };
  }
  // 20..29 on core 3.10 since before movement was recorded (a lower bound); on C, 20 goes back to
  // 3.9 (a downgrade) and 21 adds rpm: neither is an upgrade.
  const lower = core("3.10.0", A - 10 * DAY_MS, { known: false });
  if (i === 20 && n >= 2) return { core: core("3.9.0", C, { previous: "3.10" }) };
  if (i === 21 && n >= 2) {
    return { core: lower, rpm: { version: "3.29.0", since: C, previous: "" } };
  }
  return { core: lower };
}

/** RAW as ingest leaves it after night `n`'s check-ins: 30 with movement, 2 without. */
async function checkIn(n: number): Promise<void> {
  const night = NIGHTS[n] as number;
  const puts: Promise<void>[] = [];
  for (let i = 0; i < 32; i++) {
    const components = state(i, n) ?? { core: { version: "3.12.0", since: 0 } };
    const facts: Facts = {
      components: Object.entries(components).map(([name, c]) => ({ name, version: c.version })),
      onlineWorkers: null,
      onlineContentApps: null,
      postgresqlVersion: 150004,
      rbacStats: null,
    };
    const movement = new Map(
      state(i, n) === null
        ? []
        : Object.entries(components).map(([name, c]) => [
            name,
            {
              since: dayNumber(c.since),
              sinceKnown: c.known ?? true,
              ...(c.previous === undefined ? {} : { previous: c.previous }),
            },
          ]),
    );
    const times = {
      firstSeen: A - 400 * DAY_MS,
      lastCheckIn: night + 3_600_000,
      earlierDays: Array.from({ length: n }, (_, k) => k + 1),
    };
    puts.push(
      testEnv.RAW.put(systemId(i), "{}", { metadata: encodeMeta(facts, times, "j", movement) }),
    );
  }
  await Promise.all(puts);
}

const MOVEMENT = /^(upgrades|on_release|on_release_median|left_behind|left_behind_on)__/;

/** The movement series' values on `day`, by key. */
function movementOn(dump: Record<string, string>, day: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, points] of seriesIn(dump)) {
    if (!MOVEMENT.test(key)) continue;
    const value = points.find((p) => p[0] === day)?.[1];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

it("counts a population's upgrades night by night, and a tiny budget writes the same bytes", async () => {
  for (const n of [0, 1, 2]) {
    await checkIn(n);
    await summarize(testEnv, NIGHTS[n] as number, { now: T });
  }
  const dump = await dumpSummary();

  // A: core 3.9 for 200 days (20), 3.10 for 10 as far as seen (10), rpm 3.28 for 40 (20).
  expect(movementOn(dump, A)).toEqual({
    on_release__core__under_30d: 10,
    on_release__core__180_365d: 20,
    on_release__rpm__30_90d: 20,
    "on_release_median__core__3.9": 200,
    "on_release_median__core__3.10": 10,
    "on_release_median__rpm__3.28": 40,
    left_behind__6m: 20,
    "left_behind_on__6_12m__3.9": 20,
  });
  // B: 6 go 3.9 → 3.11, 2 go 3.9 → 3.10. The 2 are under K and the row would hide one cell: its
  // other cell (6) joins it, so the row is all remainder. 3.10's median over 2 × 0 and 10 × 11
  // days: the 6th and 7th of 12, 11.
  expect(movementOn(dump, B)).toEqual({
    "upgrades__core__3.9__other": 8,
    on_release__core__under_30d: 18,
    on_release__core__180_365d: 12,
    on_release__rpm__30_90d: 20,
    "on_release_median__core__3.9": 201,
    "on_release_median__core__3.10": 11,
    "on_release_median__core__3.11": 0,
    "on_release_median__rpm__3.28": 41,
    left_behind__6m: 12,
    "left_behind_on__6_12m__3.9": 12,
  });
  // C: 7 go 3.9 → 3.10; the downgrade and the added rpm are no upgrades. 3.10: 7 × 0, 2 × 1,
  // 9 × 12 days: the 9th and 10th of 18 are 1 and 12, median 6.5. 3.9: 5 × 202 and the
  // downgraded one at 0. rpm 3.29 has one installation: no median.
  expect(movementOn(dump, C)).toEqual({
    "upgrades__core__3.9__3.10": 7,
    on_release__core__under_30d: 25,
    on_release__core__180_365d: 5,
    on_release__rpm__under_30d: 1,
    on_release__rpm__30_90d: 20,
    "on_release_median__core__3.9": 202,
    "on_release_median__core__3.10": 6.5,
    "on_release_median__core__3.11": 1,
    "on_release_median__rpm__3.28": 42,
    left_behind__6m: 5,
    "left_behind_on__6_12m__3.9": 5,
  });
  // The entries without movement count in versions only.
  expect(
    seriesIn(dump)
      .get("versions__core__3.12")
      ?.find((p) => p[0] === C)?.[1],
  ).toBe(2);
  // The movement groups have chunks of their own and stay out of the page, which does not chart
  // them yet; the page keeps its single-fact series.
  const year = new Date(C).getUTCFullYear();
  expect(Object.keys(dump)).toContain(`c:upgrades__core:${year}`);
  expect(Object.keys(dump)).toContain(`c:left_behind:${year}`);
  const page = JSON.parse(dump._page ?? "{}");
  const onPage = Object.keys(page.recent.series);
  expect(
    onPage.filter((key) =>
      /^(upgrades|on_release|on_release_median|left_behind|left_behind_on)__/.test(key),
    ),
  ).toEqual([]);
  expect(onPage).toContain("versions__core__3.10");

  // The same nights through the Workflow, ten RAW keys a step, one day an apply step.
  await reset();
  for (const n of [0, 1, 2]) {
    await checkIn(n);
    await runWorkflow(`movement-${n}`, {
      trigger: "put",
      day: NIGHTS[n] as number,
      now: T,
      budget: TINY,
    });
  }
  expect(await dumpSummary()).toEqual(dump);

  // Again, with night 1's steps killed and retried by the engine, and night 2's run killed for
  // good mid-scan, then run again: the same bytes.
  await reset();
  await checkIn(0);
  await runWorkflow("killed-0", { trigger: "put", day: NIGHTS[0] as number, now: T, budget: TINY });
  await checkIn(1);
  {
    await using runs = await introspectWorkflow(testEnv.SUMMARY_RUN);
    await runs.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "scan 1" }, new Error("killed"), 1);
      await m.mockStepError({ name: "apply 0" }, new Error("killed"), 2);
    });
    await runWorkflow("killed-1", {
      trigger: "put",
      day: NIGHTS[1] as number,
      now: T,
      budget: TINY,
    });
  }
  await checkIn(2);
  const beforeNight2 = await dumpSummary();
  {
    await using runs = await introspectWorkflow(testEnv.SUMMARY_RUN);
    await runs.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "scan 2" }, new Error("killed"));
    });
    const instance = await testEnv.SUMMARY_RUN.create({
      id: "killed-2",
      params: { trigger: "put", day: NIGHTS[2] as number, now: T, budget: TINY },
    });
    const status = await waitForRun(instance, 120_000, 50);
    expect(status?.status).toBe("errored");
  }
  expect(await dumpSummary()).toEqual(beforeNight2);
  await runWorkflow("rerun-2", { trigger: "put", day: NIGHTS[2] as number, now: T, budget: TINY });
  expect(await dumpSummary()).toEqual(dump);
});
