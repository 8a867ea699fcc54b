/**
 * What to write to RAW for a valid check-in, given what RAW already holds for that system.
 *
 * - The value is the check-in as understood (encode.ts), whatever form the body came in.
 * - First seen is carried forward from the stored metadata (the earliest time we know of).
 * - Stored metadata that is missing or not ours (`parseMeta` gives null) starts the system afresh.
 * - The days with a check-in (`d`) are carried forward, shifted to the new last check-in day.
 * - Each published component's movement (metadata.ts) is carried while its x.y stays, and
 *   restarted today when it changes (from the stored x.y) or the component is new to the entry.
 * - A second check-in on the same UTC day with the same facts (byte-identical re-encoded
 *   value) changes nothing a summary can see, so it is not written: a KV write saved (and the
 *   one-write-per-second-per-key limit never hit by a retrying client). Any other check-in is
 *   written, renewing the TTL.
 * - A check-in older than the stored last one (simulated time only) keeps the stored, later
 *   facts, time and movement and adds its day to `d` (and may move first seen earlier).
 * - Times are stored to the minute ({@link TIME_GRAIN_MS}): the summary reads days, and a time to
 *   the millisecond could be matched against a request's time in any log that has one.
 */

import { encodeCheckIn } from "../checkin/encode";
import { type CheckIn, factsOf } from "../checkin/schema";
import { DAY_MS } from "../config/names";
import { sameUtcDay, startOfUtcDay } from "../config/time";
import {
  CHECK_IN_DAYS,
  carryDays,
  daysBefore,
  factsFromMeta,
  movementOf,
  nextMovement,
  overflowMeta,
  parseMeta,
  publishedMeta,
  type RawMeta,
} from "./metadata";

export interface Stored {
  metadata: unknown;
  value: ArrayBuffer | null;
}

export interface Incoming {
  checkIn: CheckIn;
  /** The check-in time, epoch ms. */
  now: number;
  /** Components whose facts the metadata carries. */
  published: ReadonlySet<string>;
}

export type Plan = { write: true; value: Uint8Array; meta: RawMeta } | { write: false };

/** The finest time RAW keeps: a minute, which never moves a time to another UTC day. */
const TIME_GRAIN_MS = 60_000;

const toGrain = (time: number) => Math.floor(time / TIME_GRAIN_MS) * TIME_GRAIN_MS;

export function planWrite(stored: Stored | null, exact: Incoming): Plan {
  const incoming = { ...exact, now: toGrain(exact.now) };
  const previous = stored?.value ? parseMeta(stored.metadata) : null;
  const value = encodeCheckIn(incoming.checkIn);
  const facts = factsOf(incoming.checkIn);
  if (!previous || !stored?.value) {
    return {
      write: true,
      value,
      meta: publishedMeta(
        facts,
        { firstSeen: incoming.now, lastCheckIn: incoming.now },
        incoming.published,
        nextMovement(facts, incoming.now, null),
      ),
    };
  }
  if (incoming.now < previous.l) return olderCheckIn(previous, stored.value, incoming);
  if (sameUtcDay(previous.l, incoming.now) && sameBytes(new Uint8Array(stored.value), value)) {
    return { write: false };
  }
  return {
    write: true,
    value,
    meta: publishedMeta(
      facts,
      {
        firstSeen: toGrain(Math.min(previous.f, incoming.now)),
        lastCheckIn: incoming.now,
        earlierDays: carryDays(previous, incoming.now),
      },
      incoming.published,
      nextMovement(facts, incoming.now, {
        facts: factsFromMeta(previous),
        movement: movementOf(previous),
        lastCheckIn: previous.l,
      }),
    ),
  };
}

/**
 * A check-in from before the stored last one: the stored value, facts and movement stay (the
 * latest check-in is the one that counts); its day joins `d` if within the window of the stored
 * last day, and first seen may move earlier. Nothing new to record: nothing is written.
 */
function olderCheckIn(previous: RawMeta, value: ArrayBuffer, incoming: Incoming): Plan {
  const back = Math.round((startOfUtcDay(previous.l) - startOfUtcDay(incoming.now)) / DAY_MS);
  const days = daysBefore(previous);
  const addsDay = back < CHECK_IN_DAYS && !days.includes(back);
  const firstSeen = toGrain(Math.min(previous.f, incoming.now));
  if (!addsDay && firstSeen === previous.f) return { write: false };
  const earlierDays = [...days, ...(addsDay ? [back] : [])].filter((d) => d !== 0);
  const times = { firstSeen, lastCheckIn: previous.l, earlierDays };
  const facts = factsFromMeta(previous);
  if (facts) {
    // The stored movement as it is; components of a version 1 entry (none recorded) get the
    // lower bound the next check-in would give them.
    const movement = nextMovement(facts, previous.l, {
      facts,
      movement: movementOf(previous),
      lastCheckIn: previous.l,
    });
    return {
      write: true,
      value: new Uint8Array(value),
      meta: publishedMeta(facts, times, incoming.published, movement),
    };
  }
  // An overflow entry: its facts are in the value, which stays as it is.
  const meta = overflowMeta(times, previous.x ?? "p");
  return { write: true, value: new Uint8Array(value), meta };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
