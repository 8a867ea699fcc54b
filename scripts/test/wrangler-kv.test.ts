/**
 * SUMMARY through wrangler's KV commands (scripts/lib/wrangler-kv.ts), on a throwaway local
 * persist dir: held writes, one flush, and no flush over a change made since the read.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bySize, jsonOutput, WranglerSummaryKV } from "../lib/wrangler-kv";

describe("jsonOutput", () => {
  it.each([
    ['[\n  {\n    "name": "a"\n  }\n]\n', '[\n  {\n    "name": "a"\n  }\n]'],
    [
      '\n ⛅️ wrangler\n───\n{\n  "a": {\n    "value": null\n  }\n}\n\nSuccess!\n',
      '{\n  "a": {\n    "value": null\n  }\n}',
    ],
    ["[]\n", "[]"],
    ["Success!\n", null],
  ])("finds the JSON in %j", (stdout, json) => {
    expect(jsonOutput(stdout)).toBe(json);
  });
});

describe("bySize", () => {
  it("cuts bulk puts at a number of bytes, never leaving an entry out", () => {
    const entries = ["aaaa", "bb", "cccccc", "d", "é"].map((value, i) => ({ key: `${i}`, value }));
    expect(bySize(entries, 6).map((batch) => batch.map((e) => e.value))).toEqual([
      ["aaaa", "bb"],
      ["cccccc"],
      ["d", "é"],
    ]);
    expect(bySize(entries, 3).map((batch) => batch.length)).toEqual([1, 1, 1, 2]);
    expect(bySize([], 6)).toEqual([]);
  });
});

// Each call starts wrangler (about a second).
describe("WranglerSummaryKV", { timeout: 60_000 }, () => {
  let persistTo: string;
  const kv = () => new WranglerSummaryKV({ env: "dev", local: true, persistTo });
  beforeAll(async () => {
    persistTo = await mkdtemp(join(tmpdir(), "pulp-analytics-kv-"));
  });
  afterAll(() => rm(persistTo, { recursive: true, force: true }));

  it("holds writes, visible to reads, until one flush", async () => {
    const a = kv();
    await a.put("c:systems:2024", "one");
    await a.put("k:2024", "two");
    await a.delete("k:2024");
    expect(await a.list("c:")).toEqual(["c:systems:2024"]);
    expect(await a.getMany(["c:systems:2024", "k:2024"])).toEqual(
      new Map([["c:systems:2024", "one"]]),
    );
    expect(await kv().list()).toEqual([]);
    expect(a.heldWrites()).toEqual({ puts: [["c:systems:2024", 3]], deletes: ["k:2024"] });
    await a.flush();
    expect(await kv().getMany(["c:systems:2024"])).toEqual(new Map([["c:systems:2024", "one"]]));
  });

  it("writes nothing over a key that changed since it was read", async () => {
    const importer = kv();
    await importer.getMany(["c:systems:2024", "c:age:2024"]);
    const summarizer = kv();
    await summarizer.put("c:systems:2024", "a summary run's");
    await summarizer.flush();
    await importer.put("c:systems:2024", "the import's");
    await importer.put("c:age:2024", "the import's");
    await expect(importer.flush()).rejects.toThrow(
      /changed while the import was planned.*c:systems:2024/,
    );
    expect(await kv().getMany(["c:systems:2024", "c:age:2024"])).toEqual(
      new Map([["c:systems:2024", "a summary run's"]]),
    );
  });
});
