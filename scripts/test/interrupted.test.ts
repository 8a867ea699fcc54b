/**
 * An import or a restore killed part way through its writes (SIGKILL, nothing cleaned up) and
 * then run again as the same command ends in the same SUMMARY as one that was never
 * interrupted, byte for byte (docs/operations.md#interrupted-operations). The kill comes from
 * `PULP_ANALYTICS_CRASH_AFTER_KEYS` (scripts/lib/wrangler-kv.ts): the run writes that many keys
 * through wrangler's real KV commands, then kills itself.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importDump } from "@pulp-analytics/fixtures/import";
import { parseIsoDay } from "@pulp-analytics/shared/config";
import { applyDays, PAGE_KEY, writePhase } from "@pulp-analytics/shared/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript, summaryAt } from "./run-script";

const DJANGO = importDump("django-dump.json");
const WORKER = importDump("worker-2022.json");

/**
 * Every key and value in the persist dir. `_page` is stamped with the moment it was built
 * (`generatedAt`), which no two runs share; the stamp is blanked, every other byte compared.
 */
async function everything(persistTo: string, unstamped = true): Promise<Map<string, string>> {
  const kv = summaryAt(persistTo);
  const values = await kv.getMany(await kv.list());
  const page = values.get(PAGE_KEY);
  if (page !== undefined && unstamped) {
    values.set(PAGE_KEY, page.replace(/"generatedAt":\d+/, '"generatedAt":0'));
  }
  return new Map([...values].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The state an import meets: one day the service summarized itself (the import leaves it
 * alone) and a year of the 2022 worker's history.
 */
async function seed(persistTo: string): Promise<void> {
  const kv = summaryAt(persistTo);
  await applyDays(
    kv,
    [
      {
        day: parseIsoDay("2024-03-01") as number,
        points: new Map([
          ["systems__total", 99],
          ["age__0", 99],
        ]),
      },
    ],
    { now: Date.UTC(2024, 2, 2) },
  );
  await kv.flush();
  const run = await runScript("import", [WORKER, "--persist-to", persistTo]);
  expect(run.code, run.output).toBe(0);
}

/** The keys a run's plan puts or deletes, in the order of its lines. */
const plannedKeys = (output: string) =>
  [...output.matchAll(/^ {4}(?:put|delete) (\S+)/gm)].map((m) => m[1] as string);

describe("an import killed part way and run again", { timeout: 600_000 }, () => {
  let dir: string;
  let expected: Map<string, string>;
  let keys: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulp-analytics-interrupted-"));
    await seed(join(dir, "seeded"));
    const clean = join(dir, "clean");
    await cp(join(dir, "seeded"), clean, { recursive: true });
    const run = await runScript("import", [DJANGO, "--persist-to", clean]);
    expect(run.code, run.output).toBe(0);
    keys = plannedKeys(run.output);
    expect(run.output).toContain("days left alone (SUMMARY has them");
    expected = await everything(clean);
  }, 600_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes in phases: series, then system counts, then views, then the page", () => {
    const phases = keys.map(writePhase).sort();
    expect(new Set(phases)).toEqual(new Set([0, 1, 2, 3]));
    expect(keys.length).toBeGreaterThan(8);
  });

  // After the first key, and after the series chunks (the next key would mark days as
  // summarized). Every other point is covered in shared/test/store/check.test.ts, in memory.
  const crashPoints = () => [...new Set([1, keys.filter((key) => writePhase(key) === 0).length])];

  it("ends in the same bytes, wherever it was killed", async () => {
    for (const crash of crashPoints()) {
      const persistTo = join(dir, `crash-${crash}`);
      await cp(join(dir, "seeded"), persistTo, { recursive: true });
      const killed = await runScript("import", [DJANGO, "--persist-to", persistTo], {
        PULP_ANALYTICS_CRASH_AFTER_KEYS: String(crash),
      });
      expect(killed.signal, killed.output).toBe("SIGKILL");
      const partial = await everything(persistTo);
      expect(partial, `killed after ${crash} keys`).not.toEqual(expected);

      const again = await runScript("import", [DJANGO, "--persist-to", persistTo]);
      expect(again.code, again.output).toBe(0);
      expect(await everything(persistTo), `killed after ${crash} keys`).toEqual(expected);
      expect(again.output).not.toContain("Nothing to write");
    }
  });
});

describe("a restore killed part way and run again", { timeout: 600_000 }, () => {
  let dir: string;
  let backup: string;
  let expected: Map<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulp-analytics-interrupted-"));
    const source = join(dir, "source");
    await seed(source);
    // A restore copies every byte, the page's stamp included.
    expected = await everything(source, false);
    backup = join(dir, "backup.json");
    const run = await runScript("backup", ["--persist-to", source, backup]);
    expect(run.code, run.output).toBe(0);
    // What the restore undoes: a wrong import on top of the backed-up state.
    const wrong = await runScript("import", [DJANGO, "--persist-to", source, "--replace-days"]);
    expect(wrong.code, wrong.output).toBe(0);
  }, 600_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("ends equal to the backup, wherever it was killed", async () => {
    let crashes: number[] = [];
    for (let i = 0; crashes.length === 0 || i < crashes.length; i++) {
      const persistTo = join(dir, `crash-${i}`);
      await cp(join(dir, "source"), persistTo, { recursive: true });
      if (crashes.length === 0) {
        const plan = await runScript("restore", ["--persist-to", persistTo, "--dry-run", backup]);
        const n = plannedKeys(plan.output).length;
        expect(n, plan.output).toBeGreaterThan(3);
        crashes = [...new Set([1, n - 1])];
      }
      const crash = crashes[i] as number;
      const killed = await runScript("restore", ["--persist-to", persistTo, backup], {
        PULP_ANALYTICS_CRASH_AFTER_KEYS: String(crash),
      });
      expect(killed.signal, killed.output).toBe("SIGKILL");
      expect(await everything(persistTo, false)).not.toEqual(expected);

      const again = await runScript("restore", ["--persist-to", persistTo, backup]);
      expect(again.code, again.output).toBe(0);
      expect(await everything(persistTo, false), `killed after ${crash} keys`).toEqual(expected);
    }
  });
});
