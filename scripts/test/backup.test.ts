/**
 * `npm run backup` and `npm run restore`: the file format on its own (checksum, refusals, the
 * plan), then both scripts end to end through wrangler's real KV commands on a throwaway
 * `--persist-to` directory holding a realistic SUMMARY (the benchmark's release calendar,
 * across a new year, through the store's `applyDays`), compared key by key and byte for byte.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReleaseCalendar } from "@pulp-analytics/fixtures/calendar";
import { parseIsoDay } from "@pulp-analytics/shared/config";
import { applyDays, JOURNAL_KEY, PAGE_KEY } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackup, writeBackup } from "../lib/backup";
import { startStack } from "../lib/stack";
import { parseTarget } from "../lib/target";
import { runScript, summaryAt } from "./run-script";

/** Values no JSON writer should bend: quotes, backslashes, newlines, non-ASCII, U+2028. */
const ODD = 'ünï "cödé" \\ back\\slash\n\ttab 😀 \u2028 </script>';

/** Every key SUMMARY holds in the persist dir, with its value. */
async function everything(persistTo: string): Promise<Map<string, string>> {
  const kv = summaryAt(persistTo);
  const names = await kv.list();
  const values = await kv.getMany(names);
  expect(values.size).toBe(names.length);
  return new Map([...values].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe("the target", () => {
  it("is the local stack by default, or a deployed namespace", () => {
    expect(parseTarget({}, "/repo")).toEqual({
      env: "dev",
      local: true,
      persistTo: "/repo/.wrangler/state",
    });
    expect(parseTarget({ env: "local", "persist-to": "/tmp/s" }, "/repo")).toEqual({
      env: "dev",
      local: true,
      persistTo: "/tmp/s",
    });
    expect(parseTarget({ env: "production" }, "/repo")).toEqual({
      env: "production",
      local: false,
    });
    expect(parseTarget({ env: "staging" }, "/repo")).toMatch(/--env must be one of/);
    expect(parseTarget({ env: "dev", "persist-to": "/tmp/s" }, "/repo")).toMatch(
      /--persist-to is for the local stack/,
    );
  });
});

// Each script run bundles the script and starts wrangler two to four times (seconds each on a
// busy machine); the tests run in order on one persist dir.
describe("npm run backup and npm run restore on the local stack's KV", { timeout: 120_000 }, () => {
  let dir: string;
  let persistTo: string;
  let snapshot: Map<string, string>;
  let days: { day: number; points: Map<string, number> }[];
  const file = () => join(dir, "summary.json");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulp-analytics-backup-"));
    persistTo = join(dir, "state");
    // Forty days of 2,000 installations across a new year: chunks of every group for two
    // years, h:, k: and _page, as the summarizer leaves them.
    const lastDay = parseIsoDay("2025-01-20") as number;
    const calendar = new ReleaseCalendar({ years: 40 / 365.25, installations: 2_000, lastDay });
    days = calendar
      .days()
      .filter((day) => !calendar.isGap(day))
      .map((day) => ({ day, points: calendar.dayPoints(day) }));
    const kv = summaryAt(persistTo);
    await applyDays(kv, days, { now: Date.UTC(2025, 0, 21) });
    await kv.flush();
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("backs up an empty namespace, and restores it", async () => {
    const empty = join(dir, "empty-state");
    const path = join(dir, "empty.json");
    const run = await runScript("backup", ["--persist-to", empty, path]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("0 keys");
    const backup = await readBackup(path);
    expect(backup).toMatchObject({ source: "local", count: 0 });
    expect(JSON.parse(await readFile(path, "utf8")).keys).toEqual({});
    const restore = await runScript("restore", ["--persist-to", empty, path]);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain("Nothing to write");
  });

  it("writes every key SUMMARY holds with its value, byte for byte", async () => {
    snapshot = await everything(persistTo);
    const keys = [...snapshot.keys()];
    expect(keys).toContain(PAGE_KEY);
    expect(keys).toEqual(expect.arrayContaining(["k:2024", "k:2025", "h:2024", "h:2025"]));
    expect(keys.filter((key) => key.startsWith("c:")).length).toBeGreaterThan(40);

    const run = await runScript("backup", ["--persist-to", persistTo, file()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`${snapshot.size} keys`);
    expect(run.output).not.toContain("restore refuses");
    const backup = await readBackup(file());
    expect(backup.entries).toEqual(snapshot);
  });

  it("restores it byte for byte into a wiped namespace", async () => {
    const kv = summaryAt(persistTo);
    for (const key of await kv.list()) await kv.delete(key);
    await kv.flush();
    expect(await summaryAt(persistTo).list()).toEqual([]);

    const run = await runScript("restore", ["--persist-to", persistTo, file()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`keys to put: ${snapshot.size} (`);
    expect(run.output).toContain("keys to delete: 0; unchanged: 0");
    expect(run.output).toMatch(/put c:systems:2025 \([\d,]+ bytes, new\)/);
    expect(await everything(persistTo)).toEqual(snapshot);
  });

  it("writes nothing when SUMMARY already equals the backup", async () => {
    const run = await runScript("restore", ["--persist-to", persistTo, file()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(
      `keys to put: 0 (0.0 MB); keys to delete: 0; unchanged: ${snapshot.size}`,
    );
    expect(run.output).toContain("Nothing to write");
  });

  let changed: Map<string, string>;
  it("prints the plan and writes nothing on a dry run", async () => {
    // What a bad run or a wrong import leaves: a day rewritten, a year's keys added.
    const kv = summaryAt(persistTo);
    await applyDays(
      kv,
      [{ day: parseIsoDay("2026-03-01") as number, points: new Map([["systems__total", 7]]) }],
      { now: Date.UTC(2026, 2, 2) },
    );
    await kv.put("c:systems:2025", "[0,999]");
    await kv.flush();
    changed = await everything(persistTo);
    expect(changed).not.toEqual(snapshot);

    const run = await runScript("restore", ["--persist-to", persistTo, "--dry-run", file()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("delete c:systems:2026");
    expect(run.output).toContain("delete k:2026");
    expect(run.output).toMatch(/put c:systems:2025 \([\d,]+ bytes\)/);
    expect(run.output).toMatch(/put _page \([\d,]+ bytes\)/);
    expect(run.output).toContain("Dry run: nothing written.");
    expect(await everything(persistTo)).toEqual(changed);
  });

  it("refuses a tampered file and writes nothing", async () => {
    const bad = join(dir, "tampered.json");
    const text = await readFile(file(), "utf8");
    // The last digit of one chunk changed (a key to a line); still valid JSON of the right shape.
    const tampered = text
      .split("\n")
      .map((line) =>
        line.startsWith('"c:systems:2025":')
          ? line.replace(/(\d)(\D*)$/, (_, digit, rest) => `${digit === "1" ? "2" : "1"}${rest}`)
          : line,
      )
      .join("\n");
    expect(tampered).not.toBe(text);
    await writeFile(bad, tampered);
    const run = await runScript("restore", ["--persist-to", persistTo, bad]);
    expect(run.code).toBe(1);
    expect(run.output).toContain("does not match its checksum");
    expect(await everything(persistTo)).toEqual(changed);
  });

  it("refuses a backup with a recomputed checksum that is not a SUMMARY, writing nothing", async () => {
    const good = await readBackup(file());
    const page = JSON.parse(good.entries.get(PAGE_KEY) as string);
    const hostile: [string, (entries: Map<string, string>) => void, string][] = [
      [
        "outside",
        (e) => e.set("evil-key-outside-layout", "x"),
        "evil-key-outside-layout: not a key of SUMMARY's layout",
      ],
      ["escape", (e) => e.set("../../escape", "x"), "../../escape: not a key of SUMMARY's layout"],
      [
        "journal",
        (e) => e.set(JOURNAL_KEY, JSON.stringify({ v: 1, days: [] })),
        `${JOURNAL_KEY}: a run's unfinished writes`,
      ],
      [
        "page",
        (e) => e.set(PAGE_KEY, JSON.stringify({ ...page, asOf: Date.UTC(2100, 0, 1) })),
        `${PAGE_KEY}: not the page of these chunks`,
      ],
      ["chunk", (e) => e.set("c:systems:2025", "[0,999]"), "c:systems:2025: not a year of series"],
      ["odd", (e) => e.set("c:opaque:2025", ODD), "c:opaque:2025: not a year of series"],
      [
        "inhouse",
        (e) => {
          const [key, value] = [...e].find(([k]) => k.startsWith("c:versions__core:")) ?? [];
          e.set(
            (key as string).replace("core", "inhouse"),
            (value as string).replaceAll("versions__core__", "versions__inhouse__"),
          );
        },
        'component "inhouse" is not on the published list',
      ],
    ];
    for (const [name, edit, message] of hostile) {
      const entries = new Map(good.entries);
      edit(entries);
      const path = join(dir, `hostile-${name}.json`);
      await writeBackup(path, entries, { takenAt: new Date(), source: "local" });
      // The checksum is right: the file is exactly what was written.
      expect((await readBackup(path)).entries.size).toBe(entries.size);
      const run = await runScript("restore", ["--persist-to", persistTo, path]);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain(
        "is not a SUMMARY this service could have written; nothing written",
      );
      expect(run.output).toContain(message);
      expect(await everything(persistTo)).toEqual(changed);
    }
  });

  it("backs up a SUMMARY holding a journal, and says a restore would refuse it", async () => {
    const state = join(dir, "journal-state");
    const kv = summaryAt(state);
    await applyDays(kv, days.slice(0, 3), { now: Date.UTC(2025, 0, 21) });
    await kv.put(JOURNAL_KEY, JSON.stringify({ v: 1, days: [] }));
    await kv.flush();
    const path = join(dir, "with-journal.json");
    const run = await runScript("backup", ["--persist-to", state, path]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("This backup holds what a restore refuses");
    expect(run.output).toContain(`${JOURNAL_KEY}: a summary run's writes were incomplete`);
    expect((await readBackup(path)).entries.has(JOURNAL_KEY)).toBe(true);
  });

  it("puts back the keys that changed and deletes the keys added since the backup", async () => {
    const run = await runScript("restore", ["--persist-to", persistTo, file()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/keys to delete: [1-9]/);
    expect(run.output).toContain("Restored the local stack's SUMMARY");
    expect(await everything(persistTo)).toEqual(snapshot);
  });

  it("is refused by the importer, which says to restore it", async () => {
    const run = await runScript("import", ["--persist-to", persistTo, file()]);
    expect(run.code).toBe(1);
    expect(run.output).toContain("is a backup of SUMMARY");
    expect(run.output).toContain("npm run restore --");
    expect(await everything(persistTo)).toEqual(snapshot);
  });

  it("restores into a running npm start, which serves it at once, and backs it up again", async () => {
    const stack = await startStack();
    try {
      const run = await runScript("restore", ["--persist-to", stack.persistTo, file()]);
      expect(run.code, run.output).toBe(0);
      const series = (await (
        await fetch(`${stack.origin}/api/v1/series/systems__total`)
      ).json()) as Point[];
      expect(series).toEqual(
        days.map(({ day, points }) => [day, points.get("systems__total")] as Point),
      );
      const again = join(dir, "again.json");
      const backup = await runScript("backup", ["--persist-to", stack.persistTo, again]);
      expect(backup.code, backup.output).toBe(0);
      // The same keys and values; the checksum differs, as it covers the new takenAt.
      expect((await readBackup(again)).entries).toEqual((await readBackup(file())).entries);
    } finally {
      await stack.stop();
    }
  }, 240_000);
});
