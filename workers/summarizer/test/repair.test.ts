import { reset } from "cloudflare:test";
import { isoDay } from "@pulp-analytics/shared/config";
import {
  JOURNAL_KEY,
  PAGE_KEY,
  type PageData,
  parseChunk,
  parseChunkKey,
  unpackBlock,
} from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterEach, expect, it } from "vitest";
import { finishPending, summarize } from "../src/run";
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

const [D1, D2, D3] = [daysAgo(3), daysAgo(2), daysAgo(1)] as [number, number, number];
/** `_page.generatedAt`, fixed so whole dumps compare byte for byte. */
const T = Date.UTC(2030, 0, 1);

afterEach(() => reset());

/** 100 systems last seen on D1, 100 on D2, 50 on D3. */
async function seed(): Promise<void> {
  const on = (day: number, from: number, count: number) =>
    Array.from({ length: count }, (_, k) => ({
      id: systemId(from + k),
      record: variedSystem(from + k, day),
    }));
  await seedRaw([...on(D1, 0, 100), ...on(D2, 1000, 100), ...on(D3, 2000, 50)]);
}

/** SUMMARY after clean runs of `days`, from a fresh store. */
async function cleanRuns(days: number[]): Promise<Record<string, string>> {
  await reset();
  await seed();
  for (const day of days) await summarize(testEnv, day, { now: T });
  const dump = await dumpSummary();
  await reset();
  await seed();
  return dump;
}

/**
 * Every chunk the site may read parses, and `_page` shows no point the chunks do not hold (after
 * a failure it may be the previous run's page: older, never ahead).
 */
function expectConsistent(dump: Record<string, string>): void {
  for (const name of Object.keys(dump).filter((k) => parseChunkKey(k))) {
    expect(parseChunk(dump[name]).size).toBeGreaterThan(0);
  }
  const page = JSON.parse(dump[PAGE_KEY] ?? "null") as PageData | null;
  if (!page) return;
  const stored = seriesIn(dump);
  for (const [key, points] of unpackBlock(page.recent)) {
    expect(stored.get(key)).toEqual(expect.arrayContaining(points));
  }
}

/** Each series' point on `day`, from the chunks. */
const pointsOn = (dump: Record<string, string>, day: number) =>
  new Map(
    [...seriesIn(dump)].flatMap(([key, points]) => {
      const point = points.find((p: Point) => p[0] === day);
      return point ? [[key, point[1]] as const] : [];
    }),
  );

it("a write failing mid-run leaves SUMMARY consistent; the rerun repairs it", async () => {
  const expected = await cleanRuns([D1, D2]);
  await summarize(testEnv, D1, { now: T });
  const before = await dumpSummary();

  // The journal is the first put; three chunk writes succeed, then KV fails.
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n > 4) };
  await expect(summarize(broken, D2, { now: T })).rejects.toThrow(/injected/);

  const failed = await dumpSummary();
  expectConsistent(failed);
  expect(failed[PAGE_KEY]).toBe(before[PAGE_KEY]);
  expect(failed[JOURNAL_KEY]).toBeDefined();
  expect(pointsOn(failed, D2).size).toBeGreaterThan(0);
  expect(pointsOn(failed, D2).size).toBeLessThan(pointsOn(expected, D2).size);

  const rerun = await summarize(testEnv, D2, { now: T });
  expect(rerun.applied.replayed).toEqual([]);
  expect(await dumpSummary()).toEqual(expected);
});

it("the next day's run finishes the writes of a day that failed", async () => {
  const expected = await cleanRuns([D1, D2, D3]);
  await summarize(testEnv, D1, { now: T });
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n > 3) };
  await expect(summarize(broken, D2, { now: T })).rejects.toThrow(/injected/);

  // D2's systems have checked in again since (RAW no longer says what D2 was); the journal does.
  await seedRaw(
    Array.from({ length: 100 }, (_, k) => ({
      id: systemId(1000 + k),
      record: variedSystem(1000 + k, D3),
    })),
  );
  const next = await summarize(testEnv, D3, { now: T });
  expect(next.applied.replayed).toEqual([isoDay(D2)]);
  const after = await dumpSummary();
  expect(after[JOURNAL_KEY]).toBeUndefined();
  expect(pointsOn(after, D2)).toEqual(pointsOn(expected, D2));
});

it("a failed `_page` write is redone by the next run even though no chunk changes", async () => {
  const expected = await cleanRuns([D1, D2]);
  await summarize(testEnv, D1, { now: T });
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (key) => key === PAGE_KEY) };
  await expect(summarize(broken, D2, { now: T })).rejects.toThrow(/injected/);
  expectConsistent(await dumpSummary());

  const rerun = await summarize(testEnv, D2, { now: T });
  // Only `_page` and the journal's removal: every chunk already holds D2.
  expect(rerun.applied).toMatchObject({ writes: 1, deletes: 0 });
  expect(await dumpSummary()).toEqual(expected);
});

it("a finishing run replays a failed run's journal; with nothing pending it lists once", async () => {
  const expected = await cleanRuns([D1, D2]);
  await summarize(testEnv, D1, { now: T });
  const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n > 1) };
  await expect(summarize(broken, D2, { now: T })).rejects.toThrow(/injected/);
  expect((await dumpSummary())[JOURNAL_KEY]).toBeDefined();

  const finish = await finishPending(testEnv, { now: T });
  expect(finish.days).toEqual([isoDay(D2)]);
  expect(await dumpSummary()).toEqual(expected);

  const idle = await finishPending(testEnv, { now: T });
  expect(idle).toMatchObject({ days: [], writes: 0, kvOps: 1 });
  expect(await dumpSummary()).toEqual(expected);
});

it("a run cut off after any of its writes, then run again, ends in the clean run's bytes", async () => {
  const expected = await cleanRuns([D1, D2]);
  await summarize(testEnv, D1, { now: T });
  const before = await dumpSummary();
  // How many puts D2's run makes: the journal, its chunks and views, the page.
  let puts = 0;
  const counting = {
    ...testEnv,
    SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => {
      puts = n;
      return false;
    }),
  };
  await summarize(counting, D2, { now: T });
  expect(puts).toBeGreaterThan(6);
  // The first write (the journal), one in the middle, the page (the last).
  for (const cut of [1, Math.floor(puts / 2), puts]) {
    await reset();
    await seed();
    for (const [key, value] of Object.entries(before)) await testEnv.SUMMARY.put(key, value);
    const broken = { ...testEnv, SUMMARY: failingPuts(testEnv.SUMMARY, (_key, n) => n >= cut) };
    await expect(summarize(broken, D2, { now: T })).rejects.toThrow(/injected/);
    expect(await dumpSummary(), `cut at write ${cut}`).not.toEqual(expected);
    await summarize(testEnv, D2, { now: T });
    expect(await dumpSummary(), `cut at write ${cut}`).toEqual(expected);
  }
});
