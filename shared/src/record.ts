/**
 * What to write to RAW for a valid check-in, given what RAW already holds for that system.
 *
 * - First seen is carried forward from the stored metadata (the earliest time we know of).
 * - A second check-in on the same UTC day with a byte-identical payload changes nothing a
 *   summary can see, so it is not written: a KV write saved (and the one-write-per-second-per-key
 *   limit never hit by a retrying client). Any other check-in is written, renewing the TTL.
 */
import { type CheckIn, factsOf } from "./checkin";
import type { BodyFormat } from "./decode";
import { encodeMeta, parseMeta, type RawMeta } from "./metadata";
import { sameUtcDay } from "./time";

export interface Stored {
  metadata: unknown;
  value: ArrayBuffer | null;
}

export interface Incoming {
  checkIn: CheckIn;
  format: BodyFormat;
  body: Uint8Array;
  /** The check-in time, epoch ms. */
  now: number;
}

export type Plan = { write: true; meta: RawMeta } | { write: false };

export function planWrite(stored: Stored | null, incoming: Incoming): Plan {
  const previous = stored ? parseMeta(stored.metadata) : null;
  if (
    previous &&
    stored?.value &&
    sameUtcDay(previous.l, incoming.now) &&
    incoming.now >= previous.l &&
    sameBytes(new Uint8Array(stored.value), incoming.body)
  ) {
    return { write: false };
  }
  const firstSeen = previous ? Math.min(previous.f, incoming.now) : incoming.now;
  const valueFormat = incoming.format === "protobuf" ? "p" : "j";
  return {
    write: true,
    meta: encodeMeta(
      factsOf(incoming.checkIn),
      { firstSeen, lastCheckIn: incoming.now },
      valueFormat,
    ),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
