/**
 * Is the data fresh? One rule for `GET /api/v1/health` (what an uptime monitor polls) and the
 * page's stale notice (docs/contract.md#4-public-read-api): the latest summarized day must be yesterday or later, or,
 * before 02:00 UTC, while tonight's run may still be at work, the day before yesterday.
 */
import { DAY_MS } from "../config/names";
import { isoDay, startOfUtcDay } from "../config/time";

/** How long after 00:00 UTC the nightly run has to finish before the data counts as stale. */
const FRESH_GRACE_MS = 2 * 3_600_000;

type HealthStatus = "ok" | "stale" | "empty";

export interface Health {
  status: HealthStatus;
  asOf: string | null;
  generatedAt: string | null;
  ageHours: number | null;
  pendingWrites: number;
}

/** The latest day a fresh summary must reach at `now`. */
export function expectedDay(now: number): number {
  const today = startOfUtcDay(now);
  return today - (now - today < FRESH_GRACE_MS ? 2 : 1) * DAY_MS;
}

export function healthOf(
  page: { asOf: number | null; generatedAt: number },
  now: number,
  pendingWrites: number,
): Health {
  if (page.asOf === null) {
    return { status: "empty", asOf: null, generatedAt: null, ageHours: null, pendingWrites };
  }
  return {
    status: page.asOf >= expectedDay(now) ? "ok" : "stale",
    asOf: isoDay(page.asOf),
    generatedAt: new Date(page.generatedAt).toISOString(),
    ageHours: Math.round((now - page.generatedAt) / 360_000) / 10,
    pendingWrites,
  };
}
