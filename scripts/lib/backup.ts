/**
 * The backup file of `npm run backup` / `npm run restore`: everything SUMMARY holds, every key
 * with its value as an opaque string, byte for byte, behind a small header:
 *
 *   {"format":"pulp-analytics-summary-backup","version":2,"takenAt":"2026-11-27T09:00:00.000Z",
 *    "source":"production","count":412,"sha256":"…","keys":{
 *   "_page":"…",
 *   "c:age:2024":"…",
 *   …
 *   }}
 *
 * `format` comes first, so that a reader can tell a backup from its first bytes (the importer
 * does, to refuse one). Keys are written sorted, one to a line. `sha256` covers every other
 * header field and every key and value, so a file that was cut short, edited (its `source` or
 * `takenAt` too) or mixed up is refused before anything is written: the hex SHA-256 of
 * `<format><version><takenAt><source><count>`, each field as `<byte length>:<text>` (the
 * numbers in decimal), then, for every key in the order of its UTF-8 bytes,
 * `<byte length of the key>:<key><byte length of the value>:<value>` (UTF-8 throughout). The
 * length prefixes make the concatenation unambiguous whatever the values hold. Version 1 (until
 * 2026-12) left the header out of the checksum; such files are refused, naming the fix (a new
 * backup).
 *
 * A backup is read whole, so it is bounded: {@link MAX_BACKUP_BYTES}.
 */
import { createHash } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { quoted } from "./shown";

export const BACKUP_FORMAT = "pulp-analytics-summary-backup";
const BACKUP_VERSION = 2;

/**
 * The largest backup file a restore reads: 128 MiB, 2.5 times SUMMARY at the design size
 * (10 years × 100,000 installations: 421 keys, 51.1 MB; docs/benchmarks.md). The
 * file is parsed whole, and the restore also holds what SUMMARY holds, so a few hundred MB of
 * memory at the design size, about a GB at the bound. A larger file is refused unread.
 */
export const MAX_BACKUP_BYTES = 128 * 1024 * 1024;

/** Where a backup can come from (scripts/lib/target.ts, `targetName`). */
const SOURCES = ["local", "dev", "production"];
/** `takenAt` as `Date.prototype.toISOString` writes it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  /** When the backup was taken (ISO 8601, UTC). */
  takenAt: string;
  /** Where from: `local`, `dev` or `production`. */
  source: string;
  /** How many keys. */
  count: number;
  sha256: string;
}

export interface Backup extends BackupHeader {
  /** Key → value, in key order. */
  entries: Map<string, string>;
}

/** Keys in the order the checksum and the file use: by their UTF-8 bytes (= by code point). */
function sortedKeys(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** The checksum of the module comment over the header and `entries`, whatever their order. */
export function backupChecksum(
  about: { takenAt: string; source: string },
  entries: ReadonlyMap<string, string>,
): string {
  const hash = createHash("sha256");
  for (const field of [
    BACKUP_FORMAT,
    String(BACKUP_VERSION),
    about.takenAt,
    about.source,
    String(entries.size),
  ]) {
    hash.update(`${Buffer.byteLength(field)}:`);
    hash.update(field);
  }
  for (const key of sortedKeys(entries.keys())) {
    const value = entries.get(key) as string;
    hash.update(`${Buffer.byteLength(key)}:`);
    hash.update(key);
    hash.update(`${Buffer.byteLength(value)}:`);
    hash.update(value);
  }
  return hash.digest("hex");
}

/**
 * Writes a backup of `entries` to `path`, a line per key, never the whole file as one string.
 * It goes to a temporary file beside `path`, renamed at the end: a backup that fails half way
 * leaves no file that looks like one. An existing `path` is refused (it may be the one good
 * backup). Returns the header written and the file's size.
 */
export async function writeBackup(
  path: string,
  entries: ReadonlyMap<string, string>,
  about: { takenAt: Date; source: string },
): Promise<{ header: BackupHeader; bytes: number }> {
  const takenAt = about.takenAt.toISOString();
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    takenAt,
    source: about.source,
    count: entries.size,
    sha256: backupChecksum({ takenAt, source: about.source }, entries),
  };
  const existing = await open(path, "r").catch(() => null);
  if (existing) {
    await existing.close();
    throw new Error(`${path} exists; remove it or name another file (it may be a good backup)`);
  }
  const partial = `${path}.partial`;
  const file = await open(partial, "w");
  let bytes = 0;
  const write = async (text: string) => {
    const buffer = Buffer.from(text);
    bytes += buffer.length;
    await file.write(buffer);
  };
  try {
    const head = JSON.stringify(header);
    await write(`${head.slice(0, -1)},"keys":{`);
    let first = true;
    for (const key of sortedKeys(entries.keys())) {
      await write(
        `${first ? "" : ","}\n${JSON.stringify(key)}:${JSON.stringify(entries.get(key))}`,
      );
      first = false;
    }
    await write("\n}}\n");
    await file.sync();
    await file.close();
    await rename(partial, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  return { header, bytes };
}

/**
 * The file at `path` as text, refused unread when it is over `max` bytes (checked on its size,
 * and again while reading, should it grow meanwhile).
 */
async function readBounded(path: string, max: number, what: string): Promise<string> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const over = () =>
      new Error(
        `${path} is over ${(max / 2 ** 20).toFixed(0)} MiB, the largest ${what} this tool reads; not reading it (nothing written)`,
      );
    if (size > max) throw over();
    const buffer = Buffer.alloc(size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > size) throw over();
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    await file.close();
  }
}

/**
 * Reads and checks a backup: its size, format and version, its header's fields, every value a
 * string, the count and the checksum. Throws, saying what is wrong, for anything else.
 * Everything quoted from the file in a message is escaped (scripts/lib/shown.ts).
 */
export async function readBackup(path: string): Promise<Backup> {
  const text = await readBounded(path, MAX_BACKUP_BYTES, "backup");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON (cut short?): ${quoted((error as Error).message)}`);
  }
  const doc = parsed as Partial<Record<keyof BackupHeader | "keys", unknown>>;
  if (doc === null || typeof doc !== "object" || doc.format !== BACKUP_FORMAT) {
    throw new Error(`${path} is not a SUMMARY backup (no "format": "${BACKUP_FORMAT}")`);
  }
  if (doc.version === 1) {
    throw new Error(
      `${path} is a backup of version 1, whose checksum does not cover its header (source, takenAt): this restore reads version ${BACKUP_VERSION} only. Take a new backup with \`npm run backup\` (while SUMMARY is still good).`,
    );
  }
  if (doc.version !== BACKUP_VERSION) {
    throw new Error(
      `${path} is a backup of version ${quoted(doc.version)}; this restore reads version ${BACKUP_VERSION} only`,
    );
  }
  const keys = doc.keys;
  if (keys === null || typeof keys !== "object" || Array.isArray(keys)) {
    throw new Error(`${path} has no "keys" object`);
  }
  const entries = new Map<string, string>();
  for (const key of sortedKeys(Object.keys(keys))) {
    const value = (keys as Record<string, unknown>)[key];
    if (typeof value !== "string") {
      throw new Error(`${path}: the value of ${quoted(key)} is not a string`);
    }
    entries.set(key, value);
  }
  const { takenAt, source } = doc;
  if (typeof takenAt !== "string" || !ISO_TIME.test(takenAt) || Number.isNaN(Date.parse(takenAt))) {
    throw new Error(`${path}: "takenAt" ${quoted(takenAt)} is not a time as a backup writes it`);
  }
  if (typeof source !== "string" || !SOURCES.includes(source)) {
    throw new Error(`${path}: "source" ${quoted(source)} is not one of ${SOURCES.join(", ")}`);
  }
  if (doc.count !== entries.size) {
    throw new Error(
      `${path} holds ${entries.size} keys but its header says ${quoted(doc.count)}: not restoring a damaged backup`,
    );
  }
  const sha256 = backupChecksum({ takenAt, source }, entries);
  if (doc.sha256 !== sha256) {
    throw new Error(
      `${path} does not match its checksum (the file says ${quoted(doc.sha256)}, its header, keys and values give ${sha256}): not restoring a damaged or edited backup`,
    );
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    takenAt,
    source,
    count: entries.size,
    sha256,
    entries,
  };
}

/** Whether the file at `path` starts like a backup (its first KB names the format). */
export async function isBackupFile(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(1024), 0, 1024, 0);
    const head = buffer.toString("utf8", 0, bytesRead).replace(/^\uFEFF/, "");
    return /^\s*\{\s*"format"\s*:\s*"pulp-analytics-summary-backup"/.test(head);
  } finally {
    await file.close();
  }
}

export interface RestorePlan {
  /** Keys to write (absent from SUMMARY, or holding other bytes), in key order. */
  puts: string[];
  /** Keys SUMMARY holds that the backup lacks, in key order. */
  deletes: string[];
  /** How many keys already hold the backup's value. */
  unchanged: number;
}

/** What makes `current` equal `backup`: only what differs. */
export function planRestore(
  backup: ReadonlyMap<string, string>,
  current: ReadonlyMap<string, string>,
): RestorePlan {
  const puts: string[] = [];
  let unchanged = 0;
  for (const [key, value] of backup) {
    if (current.get(key) === value) unchanged++;
    else puts.push(key);
  }
  const deletes = [...current.keys()].filter((key) => !backup.has(key));
  return { puts: sortedKeys(puts), deletes: sortedKeys(deletes), unchanged };
}
