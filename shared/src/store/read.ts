/** Reads of SUMMARY beyond the page: which days are summarized, one series' whole history. */
import { type Point, SYSTEMS_TOTAL } from "../summary/keys";
import { parseChunk } from "./codec";
import type { SummaryKV } from "./kv";
import { CHUNK_PREFIX, parseChunkKey, SYSTEMS_GROUP, yearOf } from "./layout";

/**
 * The days from `from` to `to` (00:00 UTC, inclusive) that SUMMARY holds a summary of: those with
 * a `systems__total` point. A list and one bulk read of the system counts' chunks.
 */
export async function summarizedDays(
  kv: SummaryKV,
  from: number,
  to: number,
): Promise<Set<number>> {
  const years = new Set<number>();
  for (let year = yearOf(from); year <= yearOf(to); year++) years.add(year);
  const names = (await kv.list(`${CHUNK_PREFIX}${SYSTEMS_GROUP}:`)).filter((name) =>
    years.has(parseChunkKey(name)?.year ?? -1),
  );
  const days = new Set<number>();
  for (const text of (await kv.getMany(names)).values()) {
    for (const [day] of parseChunk(text).get(SYSTEMS_TOTAL) ?? []) {
      if (day >= from && day <= to) days.add(day);
    }
  }
  return days;
}

/** Every point of one series across the given chunk texts, oldest first (the series API). */
export function seriesFromChunks(key: string, texts: Iterable<string>): Point[] {
  const points: Point[] = [];
  for (const text of texts) points.push(...(parseChunk(text).get(key) ?? []));
  return points.sort((a, b) => a[0] - b[0]);
}
