/**
 * `GET /api/v1/badge/<key>` (docs/contract.md#badges): a series' value on the latest summarized
 * day in shields.io's endpoint schema (https://shields.io/badges/endpoint-badge), from the page
 * data alone, so a badge costs the one read of `_page`.
 */
import type { PageData } from "../store/views";
import { recentSeries } from "../store/views";
import { familyOf, labelOf } from "./dictionary";

/** shields.io's endpoint schema, version 1: the fields we send. */
export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

const SUFFIXES = ["", "k", "M", "G"] as const;

/**
 * A count the way badges show it: `999`, `1.2k`, `12k`, `1.5M`; one decimal below ten of a unit,
 * rounded down so a badge never claims more than the count. Non-integers keep two decimals.
 */
export function compactNumber(value: number): string {
  if (!Number.isInteger(value)) return String(Math.round(value * 100) / 100);
  let scaled = Math.abs(value);
  let unit = 0;
  while (scaled >= 1000 && unit < SUFFIXES.length - 1) {
    scaled /= 1000;
    unit++;
  }
  if (unit === 0) return String(value);
  const shown = scaled < 10 ? Math.floor(scaled * 10) / 10 : Math.floor(scaled);
  return `${value < 0 ? "-" : ""}${shown}${SUFFIXES[unit]}`;
}

/**
 * The badge of `key` on the page data's latest day, or null when no family describes the key.
 * A count series without a point that day counted nobody (0); a statistic without one had
 * nobody reporting it ("no data").
 */
export function badgeOf(key: string, page: PageData): ShieldsEndpoint | null {
  const family = familyOf(key);
  if (!family) return null;
  let value: number | undefined;
  if (page.asOf !== null) {
    if (key in page.latestXyz) value = page.latestXyz[key];
    const last = recentSeries(page).get(key)?.at(-1);
    if (last && last[0] === page.asOf) value = last[1];
    if (value === undefined && family.points === "count") value = 0;
  }
  return {
    schemaVersion: 1,
    label: labelOf(family, key),
    message: value === undefined ? "no data" : compactNumber(value),
    color: value === undefined ? "lightgrey" : "blue",
  };
}
