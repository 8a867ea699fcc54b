/**
 * The importer's convergence, in memory and at every point: `applyDays` without a journal (as
 * the importer calls it, keeping the days SUMMARY has) cut off after any number of writes, then
 * run again with the same days, ends in exactly the bytes of a run never cut off. The importer's
 * own script is killed at two points through real wrangler in scripts/test/interrupted.test.ts.
 */
import { describe, expect, it } from "vitest";
import { applyDays, type DayPoints } from "../../src/store/apply";
import type { SummaryKV } from "../../src/store/kv";
import { memoryKV } from "../../src/testing/memory-kv";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const NOW = day("2026-12-04");

/** A dump's days: three years, several groups, a day per month. */
function dump(): DayPoints[] {
  const days: DayPoints[] = [];
  for (const year of [2023, 2024, 2025]) {
    for (let month = 1; month <= 12; month++) {
      const n = year * 12 + month;
      days.push({
        day: day(`${year}-${String(month).padStart(2, "0")}-15`),
        points: new Map([
          ["systems__total", 100 + (n % 17)],
          ["systems__persistent", 90 + (n % 13)],
          [`versions__core__3.${(n % 5) + 40}`, 60],
          [`versions_xyz__core__3.${(n % 5) + 40}.${n % 3}`, 60],
          ["postgresql__15", 40 + (n % 7)],
          ["age__0", 5 + (n % 3)],
        ]),
      });
    }
  }
  return days;
}

/** What SUMMARY held before: two days the service summarized itself, which the import keeps. */
const own: DayPoints[] = [
  {
    day: day("2024-03-15"),
    points: new Map([
      ["systems__total", 999],
      ["age__1", 999],
    ]),
  },
  { day: day("2025-06-15"), points: new Map([["systems__total", 7]]) },
];

/** `kv` that fails every write after the first `n`: a process killed mid-write. */
function cutAfter(kv: SummaryKV, n: number): SummaryKV {
  let writes = 0;
  const guard = () => {
    writes++;
    if (writes > n) throw new Error("cut off");
  };
  return {
    list: (prefix) => kv.list(prefix),
    getMany: (keys) => kv.getMany(keys),
    put: async (key, value) => {
      guard();
      await kv.put(key, value);
    },
    delete: async (key) => {
      guard();
      await kv.delete(key);
    },
  };
}

async function seeded() {
  const kv = memoryKV();
  await applyDays(kv, own, { now: NOW - 1 });
  return kv;
}

const importInto = (kv: SummaryKV) => applyDays(kv, dump(), { now: NOW, keepStoredDays: true });

describe("an import cut off after any write and run again", () => {
  it("ends in the bytes of one never cut off", async () => {
    const clean = await seeded();
    const before = new Map(clean.data);
    const result = await importInto(clean);
    expect(result.daysKept).toEqual(["2024-03-15", "2025-06-15"]);
    const writes = result.writes + result.deletes;
    expect(writes).toBeGreaterThan(20);
    for (let n = 0; n < writes; n++) {
      const kv = await seeded();
      await expect(importInto(cutAfter(kv, n))).rejects.toThrow("cut off");
      expect(kv.data, `cut after ${n}`).not.toEqual(clean.data);
      const again = await importInto(kv);
      expect(kv.data, `cut after ${n}`).toEqual(clean.data);
      // The days the service summarized are still its own.
      expect(again.daysKept).toContain("2024-03-15");
    }
    expect(before.size).toBeGreaterThan(0);
  });
});
