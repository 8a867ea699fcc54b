/**
 * The backup file of `npm run backup` / `npm run restore`: everything SUMMARY holds, every key
 * with its value as an opaque string, byte for byte, behind a small header:
 *
 *   {"format":"pulp-analytics-summary-backup","version":1,"takenAt":"2026-11-27T09:00:00.000Z",
 *    "source":"production","count":412,"sha256":"…","keys":{
 *   "_page":"…",
 *   "c:age:2024":"…",
 *   …
 *   }}
 *
 * `format` comes first, so that a reader can tell a backup from its first bytes (the importer
 * does, to refuse one). Keys are written sorted, one to a line. `sha256` is over the sorted keys
 * and values, so a file that was cut short, edited or mixed up is refused before anything is
 * written: the hex SHA-256 of, for every key in the order of its UTF-8 bytes,
 * `<byte length of the key>:<key><byte length of the value>:<value>` (lengths in decimal, UTF-8
 * throughout). The length prefixes make the concatenation unambiguous whatever the values hold.
 */
import { createHash } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";

export const BACKUP_FORMAT = "pulp-analytics-summary-backup";
const BACKUP_VERSION = 1;

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

/** The checksum of the module comment over `entries`, whatever their order. */
export function backupChecksum(entries: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
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
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    takenAt: about.takenAt.toISOString(),
    source: about.source,
    count: entries.size,
    sha256: backupChecksum(entries),
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
 * Reads and checks a backup: its format and version, every value a string, the count and the
 * checksum. Throws, saying what is wrong, for anything else.
 */
export async function readBackup(path: string): Promise<Backup> {
  const text = await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON (cut short?): ${(error as Error).message}`);
  }
  const doc = parsed as Partial<Record<keyof BackupHeader | "keys", unknown>>;
  if (doc === null || typeof doc !== "object" || doc.format !== BACKUP_FORMAT) {
    throw new Error(`${path} is not a SUMMARY backup (no "format": "${BACKUP_FORMAT}")`);
  }
  if (doc.version !== BACKUP_VERSION) {
    throw new Error(
      `${path} is a backup of version ${JSON.stringify(doc.version)}; this restore reads version ${BACKUP_VERSION} only`,
    );
  }
  const keys = doc.keys;
  if (keys === null || typeof keys !== "object" || Array.isArray(keys)) {
    throw new Error(`${path} has no "keys" object`);
  }
  const entries = new Map<string, string>();
  for (const key of sortedKeys(Object.keys(keys))) {
    const value = (keys as Record<string, unknown>)[key];
    if (typeof value !== "string") throw new Error(`${path}: the value of ${key} is not a string`);
    entries.set(key, value);
  }
  if (typeof doc.takenAt !== "string" || typeof doc.source !== "string") {
    throw new Error(`${path} has no "takenAt" or "source"`);
  }
  if (doc.count !== entries.size) {
    throw new Error(
      `${path} holds ${entries.size} keys but its header says ${JSON.stringify(doc.count)}: not restoring a damaged backup`,
    );
  }
  const sha256 = backupChecksum(entries);
  if (doc.sha256 !== sha256) {
    throw new Error(
      `${path} does not match its checksum (the file says ${JSON.stringify(doc.sha256)}, its keys and values give ${sha256}): not restoring a damaged or edited backup`,
    );
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    takenAt: doc.takenAt,
    source: doc.source,
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
