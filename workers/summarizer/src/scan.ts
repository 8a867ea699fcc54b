/**
 * RAW → the systems of the days being summarized. Normally only `list()` pages are read: each entry's metadata
 * carries the first-seen and last-check-in times, the facts and each component's movement. A value is read only when the
 * metadata cannot say (an overflow entry, or metadata missing or not ours), and only for entries
 * that may belong to a wanted day. Whatever cannot be read or decoded is skipped and counted, never fatal.
 */
import { decodeCheckIn, type Facts, factsOf } from "@pulp-analytics/shared/checkin";
import { DAY_MS, RAW_TTL_SECONDS, startOfUtcDay } from "@pulp-analytics/shared/config";
import {
  checkInDays,
  factsFromMeta,
  movementOf,
  parseMeta,
  type RawMeta,
} from "@pulp-analytics/shared/raw";
import type { SystemRecord } from "@pulp-analytics/shared/summary";

export interface RawScan {
  /** Entries that could not be read, decoded or placed in time. */
  skipped: number;
  /** Where the next slice goes on; absent when the listing is complete. */
  cursor?: string;
  /** List pages read. */
  pages: number;
}

export interface ScanLimits {
  /** Where a previous slice stopped (its {@link RawScan.cursor}); absent: from the start. */
  cursor?: string;
  /** Keys per list page (KV's maximum, 1,000, unless a test wants many small pages). */
  listLimit: number;
  /** Value reads for entries whose metadata lacks the facts; beyond this they are skipped. */
  maxValueReads: number;
  /** Asked after each page: true ends the slice there (its budget of pages or time is spent). */
  enough: (pages: number) => boolean;
}

/**
 * Hands every system that checked in on a day `wanted` accepts to `onSystem` as its list page is
 * read, so the caller aggregates as it goes and no more than one page of entries is ever held.
 * Reads list pages from `limits.cursor` until the listing ends or `limits.enough` says stop.
 */
export async function scanRaw(
  raw: KVNamespace,
  wanted: (day: number) => boolean,
  limits: ScanLimits,
  onSystem: (system: SystemRecord) => void,
): Promise<RawScan> {
  let skipped = 0;
  let valueReads = 0;
  let pages = 0;
  let cursor = limits.cursor;
  for (;;) {
    const page = await raw.list({ cursor, limit: limits.listLimit });
    pages++;
    for (const entry of page.keys) {
      const meta = parseMeta(entry.metadata);
      const facts = meta ? factsFromMeta(meta) : null;
      if (meta && facts) {
        const days = checkInDays(meta);
        if (!days.some(wanted)) continue;
        const system: SystemRecord = { firstSeen: meta.f, lastCheckIn: meta.l, days, facts };
        const movement = movementInMs(meta);
        if (movement) system.movement = movement;
        onSystem(system);
        continue;
      }
      const times = meta ? { firstSeen: meta.f, lastCheckIn: meta.l } : timesFromExpiration(entry);
      if (!times) {
        skipped++;
        continue;
      }
      const days = meta ? checkInDays(meta) : [startOfUtcDay(times.lastCheckIn)];
      if (!days.some(wanted)) continue;
      // Rare by design (ingest fits the facts in metadata); capped so a namespace full of them
      // cannot take a slice past its KV budget.
      if (valueReads >= limits.maxValueReads) {
        skipped++;
        continue;
      }
      valueReads++;
      const valueFacts = await readFacts(raw, entry.name, meta);
      if (valueFacts) onSystem({ ...times, days, facts: valueFacts });
      else skipped++;
    }
    // A page may be empty and still not the last: only list_complete ends the listing.
    if (page.list_complete) return { skipped, pages };
    cursor = page.cursor;
    if (limits.enough(pages)) return { skipped, cursor, pages };
  }
}

/** The movement the metadata records, its days as 00:00 UTC epoch ms; undefined when none. */
function movementInMs(meta: RawMeta): SystemRecord["movement"] {
  const movement = movementOf(meta);
  if (movement.size === 0) return undefined;
  return new Map(
    [...movement].map(([name, m]) => [name, { ...m, since: m.since * DAY_MS }] as const),
  );
}

/**
 * Without metadata the only clock is the entry's expiry: ingest renews it to 60 days after every
 * check-in, so expiry minus the TTL is the last check-in (by the real clock). First seen is
 * unknown; taking the last check-in makes the system as young as it can be, never older.
 */
function timesFromExpiration(entry: { expiration?: number }) {
  if (entry.expiration === undefined) return null;
  const lastCheckIn = (entry.expiration - RAW_TTL_SECONDS) * 1000;
  return { firstSeen: lastCheckIn, lastCheckIn };
}

async function readFacts(
  raw: KVNamespace,
  key: string,
  meta: RawMeta | null,
): Promise<Facts | null> {
  let value: ArrayBuffer | null;
  try {
    value = await raw.get(key, "arrayBuffer");
  } catch {
    return null;
  }
  if (value === null) return null;
  const bytes = new Uint8Array(value);
  // The overflow marker names the stored format; without it, try both (protobuf first: it is
  // what every pulpcore since 3.21 sends).
  const contentTypes: (string | null)[] =
    meta?.x === "j" ? ["application/json"] : meta?.x === "p" ? [null] : [null, "application/json"];
  for (const contentType of contentTypes) {
    const decoded = decodeCheckIn(bytes, contentType);
    if (decoded.ok) return factsOf(decoded.value.checkIn);
  }
  return null;
}
