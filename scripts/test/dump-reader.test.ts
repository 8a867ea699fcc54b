/**
 * The streaming reader: both formats, records split across chunks, a byte-order mark, and a
 * truncated file (which must fail, not import half a year quietly).
 */
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DumpImport } from "@pulp-analytics/shared/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DUMP_RECORD_BYTES, readDump, tallyLines } from "../lib/dump-reader";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pulp-analytics-dump-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const fresh = () => new DumpImport({ publishedComponents: new Set(["core"]) });

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** A Django dump of `days` days, one line like dumpdata without --indent. */
function djangoDump(days: number): string {
  const records = [];
  for (let i = 0; i < days; i++) {
    const summary = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    records.push({ model: "pulpanalytics.dailysummary", pk: summary, fields: {} });
    for (let age = 0; age < 100; age++) {
      records.push({
        model: "pulpanalytics.agecount",
        pk: i * 100 + age,
        fields: { summary, age, count: 1 },
      });
    }
  }
  return JSON.stringify(records);
}

describe("readDump", () => {
  it("reads a Django dump larger than one read chunk, record by record", async () => {
    const text = djangoDump(200);
    expect(text.length).toBeGreaterThan(1 << 20);
    const importer = fresh();
    const progress: number[] = [];
    const format = await readDump(await file("big.json", text), importer, {
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p.records),
    });
    expect(format).toBe("django");
    expect(importer.tally.records).toBe(200 * 101);
    expect(progress.at(-1)).toBe(200 * 101);
    const days = importer.years().flatMap((year) => importer.takeYear(year));
    expect(days).toHaveLength(200);
    expect(days[0]?.points.get("systems__total")).toBe(100);
  });

  it("reads a 2022 worker dump after a byte-order mark and blank lines", async () => {
    const importer = fresh();
    const path = await file(
      "worker.json",
      `\uFEFF\n\n  {"systems__total": "[[1672531200000,5]]", "x": 1}`,
    );
    expect(await readDump(path, importer)).toBe("worker");
    expect(importer.tally).toMatchObject({ records: 2, used: { series: 1 }, notOurs: 1 });
  });

  it("fails on a truncated dump and on a file that is neither format", async () => {
    const text = djangoDump(3);
    await expect(readDump(await file("cut.json", text.slice(0, -40)), fresh())).rejects.toThrow();
    await expect(readDump(await file("html.json", "<html></html>"), fresh())).rejects.toThrow(
      /neither a Django dumpdata/,
    );
    await expect(readDump(await file("empty.json", "  \n"), fresh())).rejects.toThrow(/empty/);
  });

  it("refuses a record over the limit without reading it, or the rest of the file, whole", async () => {
    // 64 MiB of one string inside the second record; the first record is fine.
    const path = join(dir, "huge-record.json");
    const out = await open(path, "w");
    await out.write(
      '[{"model":"pulpanalytics.dailysummary","pk":"2024-01-01","fields":{}},\n{"model":"pulpanalytics.system","pk":1,"fields":{"name":"',
    );
    const block = Buffer.alloc(1 << 20, "a");
    for (let i = 0; i < 64; i++) await out.write(block);
    await out.write('"}}]');
    await out.close();
    const importer = fresh();
    const seen: number[] = [];
    const before = process.memoryUsage().rss;
    const error: Error = await readDump(path, importer, {
      progressEveryMs: 0,
      onProgress: ({ bytes }) => seen.push(bytes),
    }).then(
      () => new Error("read"),
      (e: Error) => e,
    );
    expect(error.message).toMatch(
      /holds a record over 1 MiB .*not reading further \(nothing written\)/,
    );
    expect(importer.tally.records).toBe(1);
    // It stopped within a read chunk (1 MiB) of the limit, far from the file's end.
    expect(Math.max(0, ...seen)).toBeLessThanOrEqual(MAX_DUMP_RECORD_BYTES + (1 << 20));
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 2 ** 20);
    // A record just under the limit is read.
    const fits = fresh();
    const name = "a".repeat(MAX_DUMP_RECORD_BYTES - 200);
    await readDump(
      await file("fits.json", JSON.stringify([{ model: "other", pk: 1, fields: { name } }])),
      fits,
    );
    expect(fits.tally.ignoredModels.get("other")).toBe(1);
  });

  it("prints what it read escaped: names and problems from the dump cannot drive the terminal", async () => {
    const importer = fresh();
    const path = await file(
      "escapes.json",
      JSON.stringify([
        { model: "\u001b[2J\u001b[1;1HImported 5 years\r", pk: 1, fields: {} },
        { model: "\u009b31m\u202eevil", pk: 2, fields: {} },
        {
          model: "pulpanalytics.agecount",
          pk: 3,
          fields: { summary: "\u001b]0;owned\u0007", age: 1, count: 1 },
        },
      ]),
    );
    await readDump(path, importer);
    const lines = tallyLines("django", importer.tally);
    const text = lines.join("\n");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it is about
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain(
      '  ignored (not a summary table): "\\u001b[2j\\u001b[1;1himported 5 years\\r": 1',
    );
    expect(text).toContain('"\\u009b31m\\u202eevil"');
    expect(text).toMatch(/summary is not a YYYY-MM-DD date: .*"summary":"\\u001b\]0;owned\\u0007"/);
  });
});
