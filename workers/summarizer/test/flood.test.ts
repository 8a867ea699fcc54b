/**
 * The new-series cap against a flood (issue 25): junk versions carried by fresh installations
 * beside a real release carried by installations that have checked in for weeks, with
 * production's rule for who is established.
 */
import { reset } from "cloudflare:test";
import { DAY_MS } from "@pulp-analytics/shared/config";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { afterEach, expect, it } from "vitest";
import { summarize } from "../src/run";
import { daysAgo, dumpSummary, seriesIn, systemId, testEnv, variedSystem } from "./helpers";

afterEach(() => reset());

const D = daysAgo(1);
const production = {
  ...testEnv,
  PERSISTENT_MIN_AGE_DAYS: "1",
  ESTABLISHED_MIN_AGE_DAYS: "14",
  ESTABLISHED_MIN_CHECK_IN_DAYS: "7",
};

/** An installation running core `version`, first seen `age` days before D, in on `days`. */
function put(i: number, version: string, age: number, days: number[]): Promise<void> {
  const facts = { ...variedSystem(i, D).facts, components: [{ name: "core", version }] };
  const last = Math.min(...days);
  return testEnv.RAW.put(systemId(i), "{}", {
    metadata: encodeMeta(
      facts,
      {
        firstSeen: D - age * DAY_MS + 3_600_000,
        lastCheckIn: D - last * DAY_MS + 3_600_000,
        earlierDays: days.filter((n) => n !== last).map((n) => n - last),
      },
      "j",
    ),
  });
}

const fortnight = Array.from({ length: 14 }, (_, n) => n);

it("a flood of junk versions from fresh installations cannot keep a real release out", async () => {
  // Yesterday's night: 30 established installations on 3.89.0; the group exists.
  await Promise.all(Array.from({ length: 30 }, (_, i) => put(i, "3.89.0", 60, fortnight)));
  await summarize(production, D - DAY_MS);
  // Tonight: three of them upgraded to a real 3.90.0; 25 junk versions × 5 fresh fakes each.
  await Promise.all([0, 1, 2].map((i) => put(i, "3.90.0", 60, fortnight)));
  const junk: Promise<void>[] = [];
  for (let v = 0; v < 25; v++) {
    for (let k = 0; k < 5; k++) junk.push(put(1000 + v * 5 + k, `3.${100 + v}.0`, 1, [0, 1]));
  }
  await Promise.all(junk);
  const run = await summarize(production, D);
  expect(run.report.systems).toBe(30 + 125);

  const series = seriesIn(await dumpSummary());
  const on = (key: string) => series.get(key)?.find((p) => p[0] === D)?.[1];
  expect(on("versions__core__3.90")).toBe(3);
  expect(on("versions_xyz__core__3.90.0")).toBe(3);
  expect(on("versions__core__3.89")).toBe(27);
  // Not one junk version got a series, though each has more installations than the release.
  expect([...series.keys()].filter((key) => /__3\.1\d\d/.test(key))).toEqual([]);
  // 25 junk x.y, 25 junk exact versions and one RBAC bucket only fakes report (rbac__users__33-64)
  // left out; the log names 20 of them.
  expect(run.cappedCount).toBe(51);
  expect(run.applied.capped).toHaveLength(20);
  // The fakes still count where every installation counts: the day's total.
  expect(on("systems__total")).toBe(155);
});
