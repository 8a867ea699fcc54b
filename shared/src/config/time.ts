/** UTC day arithmetic shared by ingest (same-day check-ins) and the summarizer (day D). */
import { DAY_MS } from "./names";

/** 00:00:00.000 UTC of the day containing `epochMs`. */
export function startOfUtcDay(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}

export function sameUtcDay(a: number, b: number): boolean {
  return startOfUtcDay(a) === startOfUtcDay(b);
}

/** `YYYY-MM-DD` of the UTC day containing `epochMs`. */
export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** 00:00 UTC of a `YYYY-MM-DD` day, or null when it is not a real calendar day. */
export function parseIsoDay(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const epochMs = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(epochMs) || isoDay(epochMs) !== day ? null : epochMs;
}

/** The earliest simulated check-in time ingest accepts (docs/contract.md#7-simulated-check-in-time). */
const EARLIEST_CHECK_IN = Date.UTC(2000, 0, 1);

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date and time with a zone (`2026-11-24T09:30:00Z`, `...+02:00`) as epoch ms, or
 * null unless every field is a real calendar value (no 2026-02-30, no hour 24) and the time is
 * from 2000-01-01 on. `Date.parse` alone rolls 02-30 over to 03-02 and takes year 0.
 */
export function parseCheckInTime(text: string): number | null {
  const match = ISO_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((f) => Number(f ?? 0));
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    return null;
  }
  // The calendar day must exist: Date.UTC rolls 2026-02-30 over into March.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return null;
  }
  const epochMs = Date.parse(text);
  return Number.isNaN(epochMs) || epochMs < EARLIEST_CHECK_IN ? null : epochMs;
}
