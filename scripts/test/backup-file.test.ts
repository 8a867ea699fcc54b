/**
 * The backup file on its own (scripts/lib/backup.ts): the checksum over header, keys and values,
 * the refusals before anything is written (an edited header, an old version, a file too large to
 * read), and the escaping of what it quotes. The scripts end to end are in backup.test.ts.
 */
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importDump } from "@pulp-analytics/fixtures/import";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BACKUP_FORMAT,
  backupChecksum,
  isBackupFile,
  MAX_BACKUP_BYTES,
  planRestore,
  readBackup,
  writeBackup,
} from "../lib/backup";

const WORKER_DUMP = importDump("worker-2022.json");

/** Values no JSON writer should bend: quotes, backslashes, newlines, non-ASCII, U+2028. */
const ODD = 'ünï "cödé" \\ back\\slash\n\ttab 😀 \u2028 </script>';

/** What a terminal acts on: ESC sequences, the one-byte CSI, a carriage return, a bidi override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it is about
const RAW_CONTROL = /[\u001b\u009b\r\u202e]/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pulp-analytics-backup-file-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const entries = new Map([
  ["k:2024", '{"keys":["systems__total"]}'],
  ["_page", ODD],
  ["c:systems:2024", "[0,1]"],
  ["empty", ""],
]);
const about = { takenAt: "2026-01-02T03:04:05.000Z", source: "production" };

describe("the backup file", () => {
  it("has a checksum over the header and the sorted keys and values, whatever their order", () => {
    const reversed = new Map([...entries].reverse());
    expect(backupChecksum(about, reversed)).toBe(backupChecksum(about, entries));
    // The length prefixes keep a byte moved from a value to the next key from matching.
    expect(backupChecksum(about, new Map([["a", "bc"]]))).not.toBe(
      backupChecksum(about, new Map([["ab", "c"]])),
    );
    // Every header field counts.
    expect(backupChecksum({ ...about, source: "dev" }, entries)).not.toBe(
      backupChecksum(about, entries),
    );
    expect(backupChecksum({ ...about, takenAt: "2026-01-02T03:04:06.000Z" }, entries)).not.toBe(
      backupChecksum(about, entries),
    );
  });

  it("reads back what was written, byte for byte, and is recognised by its first bytes", async () => {
    const path = join(dir, "round.json");
    const { header, bytes } = await writeBackup(path, entries, {
      takenAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      source: "production",
    });
    expect(header).toMatchObject({ format: BACKUP_FORMAT, version: 2, count: 4 });
    const text = await readFile(path, "utf8");
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(text.startsWith(`{"format":"${BACKUP_FORMAT}","version":2,`)).toBe(true);
    const backup = await readBackup(path);
    expect(backup.entries).toEqual(entries);
    expect([...backup.entries.keys()]).toEqual(["_page", "c:systems:2024", "empty", "k:2024"]);
    expect(backup).toMatchObject(about);
    expect(await isBackupFile(path)).toBe(true);
    expect(await isBackupFile(WORKER_DUMP)).toBe(false);
    await expect(writeBackup(path, entries, { takenAt: new Date(), source: "x" })).rejects.toThrow(
      /exists/,
    );
  });

  it.each([
    ["a value edited", (t: string) => t.replace("[0,1]", "[0,2]"), /does not match its checksum/],
    ["a key dropped", (t: string) => t.replace('\n"empty":"",', ""), /holds 3 keys but/],
    [
      "another format",
      (t: string) => t.replace(BACKUP_FORMAT, "something-else"),
      /is not a SUMMARY backup/,
    ],
    ["another version", (t: string) => t.replace('"version":2', '"version":3'), /version 3/],
    [
      "version 1, whose checksum left the header out",
      (t: string) => t.replace('"version":2', '"version":1'),
      /version 1, whose checksum does not cover its header.*npm run backup/,
    ],
    ["cut short", (t: string) => t.slice(0, -10), /is not JSON/],
    ["a value not a string", (t: string) => t.replace('"[0,1]"', "[0,1]"), /not a string/],
    // The header: what the restore prints about the file, so it must be what was written.
    [
      "another source",
      (t: string) => t.replace('"source":"production"', '"source":"dev"'),
      /does not match its checksum/,
    ],
    [
      "another time",
      (t: string) => t.replace("2026-01-02T03:04:05.000Z", "2026-11-27T09:00:00.000Z"),
      /does not match its checksum/,
    ],
    [
      "a source that is not one",
      (t: string) => t.replace('"source":"production"', '"source":"a backup of production"'),
      /"source" "a backup of production" is not one of local, dev, production/,
    ],
  ])("is refused with %s", async (_, tamper, message) => {
    const path = join(dir, "round.json");
    const bad = join(dir, "bad.json");
    await writeFile(bad, tamper(await readFile(path, "utf8")));
    await expect(readBackup(bad)).rejects.toThrow(message);
  });

  it("quotes what it refuses escaped: no escape sequence reaches the terminal", async () => {
    const text = await readFile(join(dir, "round.json"), "utf8");
    const hostile = [
      text.replace('"source":"production"', '"source":"\\u001b[2J\\u001b[31mproduction\\r"'),
      text.replace('"takenAt":"2026-01-02T03:04:05.000Z"', '"takenAt":"\\u009b2J\\u202etoday"'),
      text.replace('"version":2', '"version":"\\u001b]0;owned\\u0007"'),
      text.replace(/"sha256":"[0-9a-f]+"/, '"sha256":"\\u001b[1A\\u001b[2KRestored production"'),
      text.replace('"count":4', '"count":"\\u001b[8m"'),
      text.replace('"empty":""', '"\\u001b[31mevil":5'),
    ];
    for (const [i, edited] of hostile.entries()) {
      const bad = join(dir, `escape-${i}.json`);
      await writeFile(bad, edited);
      const error: Error = await readBackup(bad).then(
        () => new Error("read"),
        (e: Error) => e,
      );
      expect(error.message).not.toBe("read");
      expect(error.message, error.message).not.toMatch(RAW_CONTROL);
      expect(error.message).toMatch(/\\u(001b|009b)/);
    }
  });

  it("refuses a file over the limit without reading it", async () => {
    // A sparse file: its size is over the limit, its blocks never written (nor read).
    const path = join(dir, "huge.json");
    const file = await open(path, "w");
    await file.write(`{"format":"${BACKUP_FORMAT}","version":2,`);
    await file.truncate(MAX_BACKUP_BYTES + 1);
    await file.close();
    const before = process.memoryUsage().rss;
    await expect(readBackup(path)).rejects.toThrow(
      /is over 128 MiB, the largest backup this tool reads; not reading it \(nothing written\)/,
    );
    // Reading it would have taken at least its size in memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(MAX_BACKUP_BYTES / 2);
  });

  it("plans only what differs", () => {
    const current = new Map([
      ["c:systems:2024", "[0,1]"],
      ["k:2024", "older"],
      ["c:age:2031", "added since"],
    ]);
    expect(planRestore(entries, current)).toEqual({
      puts: ["_page", "empty", "k:2024"],
      deletes: ["c:age:2031"],
      unchanged: 1,
    });
  });
});
