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
