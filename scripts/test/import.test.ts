/**
 * `npm run import` end to end: the real script, wrangler's real KV commands, a throwaway
 * `--persist-to` directory (the local stack's KV on disk), and the fixtures of shared/test,
 * read back through the store as the site reads them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DJANGO_EXPECTED, importDump } from "@pulp-analytics/fixtures/import";
import { parseIsoDay } from "@pulp-analytics/shared/config";
import { applyDays, groupOf, parseChunkKey, seriesFromChunks } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../lib/stack";
import { runScript, summaryAt } from "./run-script";

const DJANGO = importDump("django-dump.json");
const WORKER = importDump("worker-2022.json");

/** Every series in the persist dir, as `{YYYY-MM-DD: {key: value}}` like the fixtures' expectations. */
async function everyDay(persistTo: string): Promise<Record<string, Record<string, number>>> {
  const kv = summaryAt(persistTo);
  const chunks = (await kv.list("c:")).filter((name) => parseChunkKey(name) !== null);
  const texts = await kv.getMany(chunks);
  const keys = (await kv.getMany(await kv.list("k:"))).values();
  const days: Record<string, Record<string, number>> = {};
  for (const text of keys) {
    for (const key of (JSON.parse(text) as { keys: string[] }).keys) {
      const group = [...texts].filter(([name]) => parseChunkKey(name)?.group === groupOf(key));
      for (const [day, value] of seriesFromChunks(
        key,
        group.map(([, t]) => t),
      )) {
        const iso = new Date(day).toISOString().slice(0, 10);
        days[iso] = { ...days[iso], [key]: value };
      }
    }
  }
  return days;
}

// Each import starts wrangler a few times (about a second each).
describe("npm run import into the local stack's KV on disk", { timeout: 180_000 }, () => {
  let persistTo: string;
  beforeAll(async () => {
    persistTo = await mkdtemp(join(tmpdir(), "pulp-analytics-import-"));
  });
  afterAll(() => rm(persistTo, { recursive: true, force: true }));

  it("--dry-run prints the plan and writes nothing", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", persistTo, "--dry-run"]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("days to write: 4 (2023-12-31 … 2024-03-04)");
    expect(run.output).toMatch(/put c:systems:2024 \(\d+ bytes\)/);
    expect(run.output).toContain("Dry run: nothing written.");
    expect(await summaryAt(persistTo).list()).toEqual([]);
  });

  it("writes exactly the series the dump maps to, nothing off the allowlist", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("components off the allowlist (not published): 2");
    expect(await everyDay(persistTo)).toEqual(DJANGO_EXPECTED);
  });

  it("changes nothing when run again", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(
      "days left alone (SUMMARY has them; --replace-days to overwrite): 4",
    );
    expect(run.output).toContain("Nothing to write");
  });

  it("adds a 2022 worker dump beside it", async () => {
    const run = await runScript("import", [WORKER, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(0);
    const days = await everyDay(persistTo);
    expect(days["2023-01-01"]?.online_workers__processes__max).toBe(6);
    expect(days["2024-03-01"]).toEqual(DJANGO_EXPECTED["2024-03-01"]);
  });
});

// Each import starts wrangler a few times (about a second each).
describe("days the service summarized itself", { timeout: 180_000 }, () => {
  let persistTo: string;
  const ownDay = parseIsoDay("2024-03-01") as number;
  beforeAll(async () => {
    persistTo = await mkdtemp(join(tmpdir(), "pulp-analytics-import-"));
    const kv = summaryAt(persistTo);
    await applyDays(
      kv,
      [
        {
          day: ownDay,
          points: new Map([
            ["systems__total", 99],
            ["age__0", 99],
          ]),
        },
      ],
      { now: Date.now() },
    );
    await kv.flush();
    // A few wrangler processes, each seconds on a loaded machine.
  }, 60_000);
  afterAll(() => rm(persistTo, { recursive: true, force: true }));

  it("win over imported ones", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(
      "days left alone (SUMMARY has them; --replace-days to overwrite): 1 (2024-03-01 … 2024-03-01)",
    );
    const days = await everyDay(persistTo);
    expect(days["2024-03-01"]).toEqual({ systems__total: 99, age__0: 99 });
    expect(days["2024-03-02"]).toEqual(DJANGO_EXPECTED["2024-03-02"]);
  });

  it("are replaced with --replace-days", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", persistTo, "--replace-days"]);
    expect(run.code, run.output).toBe(0);
    expect(await everyDay(persistTo)).toEqual(DJANGO_EXPECTED);
  });
});

// Each import starts wrangler a few times (about a second each).
describe("npm run import beside a running npm start", { timeout: 180_000 }, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 90_000);
  afterAll(() => stack?.stop());

  it("shows the imported history at once on the page and in the series API", async () => {
    const run = await runScript("import", [DJANGO, "--persist-to", stack.persistTo]);
    expect(run.code, run.output).toBe(0);
    const series = (await (
      await fetch(`${stack.origin}/api/v1/series/systems__total`)
    ).json()) as Point[];
    expect(series).toEqual([
      [parseIsoDay("2023-12-31"), 2],
      [parseIsoDay("2024-03-01"), 15],
      [parseIsoDay("2024-03-02"), 5],
      [parseIsoDay("2024-03-04"), 1],
    ]);
    const page = (await (await fetch(`${stack.origin}/api/v1/page`)).json()) as { asOf: number };
    expect(page.asOf).toBe(parseIsoDay("2024-03-04"));
    const keys = (await (await fetch(`${stack.origin}/api/v1/series`)).json()) as {
      keys: string[];
    };
    expect(keys.keys).toContain("versions__rpm__3.25");
    expect(keys.keys.filter((key) => key.includes("acme_internal"))).toEqual([]);
  });
});

describe("what npm run import refuses, writing nothing", { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulp-analytics-import-refused-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a version ingest would refuse, naming the record", async () => {
    const dump = join(dir, "acmecorp.json");
    await writeFile(
      dump,
      JSON.stringify([
        { model: "pulpanalytics.dailysummary", pk: "2024-03-01", fields: {} },
        {
          model: "pulpanalytics.agecount",
          pk: 1,
          fields: { summary: "2024-03-01", age: 3, count: 2 },
        },
        {
          model: "pulpanalytics.xyzversioncount",
          pk: 7,
          fields: { summary: "2024-03-01", name: "core", version: "3.21.0+acmecorp", count: 2 },
        },
      ]),
    );
    const persistTo = join(dir, "state");
    const run = await runScript("import", [dump, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      'version "3.21.0+acmecorp" is not canonical (ingest refuses it): {"model":"pulpanalytics.xyzversioncount","pk":7,',
    );
    expect(run.output).toContain("nothing written");
    expect(await summaryAt(persistTo).list()).toEqual([]);
  });

  it("a record over 1 MiB, before reading it whole", async () => {
    const dump = join(dir, "huge.json");
    await writeFile(
      dump,
      `[{"model":"pulpanalytics.system","pk":1,"fields":{"name":"${"x".repeat(8 << 20)}"}}]`,
    );
    const persistTo = join(dir, "state-huge");
    const run = await runScript("import", [dump, "--persist-to", persistTo]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(
      /holds a record over 1 MiB .*not reading further \(nothing written\)/,
    );
    expect(await summaryAt(persistTo).list()).toEqual([]);
  });
});
