/**
 * Stored series and how a summarized day enters them. A series value is a JSON array of
 * `[epochMillis, value]` points, oldest first, at most one point per day.
 *
 * Applying day D replaces D wholesale: every series with a point on D gets exactly that point,
 * and every other series loses whatever point it had on D (a count that fell to zero, a version
 * nobody runs any more). That makes a rerun of D converge to the same values, byte for byte.
 *
 * The journal is the summarizer's write-ahead record: the days whose points are being written.
 * It is stored before the series writes and removed after them, so a run that died half way is
 * finished by the next one (see the worker and docs/architecture.md).
 */
import { z } from "zod";
import type { Point } from "./keys";

/** A stored series value, normalised (sorted, one point per day), or null when it is not one. */
export function parseSeries(text: string): Point[] | null {
  const points = parseJsonAs(SeriesSchema, text);
  if (!points) return null;
  const byDay = new Map<number, number>();
  for (const [day, value] of points) byDay.set(day, value);
  return [...byDay].sort((a, b) => a[0] - b[0]);
}

/** `text` as JSON of `schema`'s shape, or null when it is not JSON or not that shape. */
function parseJsonAs<T>(schema: z.ZodType<T>, text: string): T | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

const SeriesSchema = z.array(z.tuple([z.number().int(), z.number()]));

export function serializeSeries(points: readonly Point[]): string {
  return JSON.stringify(points);
}

/**
 * The series after day `day` is (re)summarized with `points`. Series that end up empty stay in
 * the result as `[]` so the caller knows to delete their key. Untouched series are shared, not
 * copied.
 */
export function applyDay(
  series: ReadonlyMap<string, Point[]>,
  day: number,
  points: ReadonlyMap<string, number>,
): Map<string, Point[]> {
  const next = new Map(series);
  for (const [key, old] of series) {
    if (!points.has(key) && old.some((p) => p[0] === day)) {
      next.set(
        key,
        old.filter((p) => p[0] !== day),
      );
    }
  }
  for (const [key, value] of points) next.set(key, withPoint(series.get(key) ?? [], [day, value]));
  return next;
}

function withPoint(points: readonly Point[], point: Point): Point[] {
  const last = points[points.length - 1];
  // The nightly case: a new day after all others.
  if (!last || last[0] < point[0]) return [...points, point];
  return [...points.filter((p) => p[0] !== point[0]), point].sort((a, b) => a[0] - b[0]);
}

export interface JournalDay {
  /** 00:00 UTC of the day. */
  day: number;
  /** Every series point of that day; a series absent here has no point on the day. */
  points: Map<string, number>;
}

const JournalSchema = z.object({
  v: z.literal(1),
  days: z.array(
    z.object({
      day: z.number().int(),
      points: z.array(z.tuple([z.string(), z.number()])),
    }),
  ),
});

export function serializeJournal(days: readonly JournalDay[]): string {
  return JSON.stringify({
    v: 1,
    days: days.map((d) => ({ day: d.day, points: [...d.points] })),
  });
}

/** The journal's days, oldest first, or null when the text is not a journal. */
export function parseJournal(text: string): JournalDay[] | null {
  const journal = parseJsonAs(JournalSchema, text);
  if (!journal) return null;
  return journal.days
    .map((d) => ({ day: d.day, points: new Map(d.points) }))
    .sort((a, b) => a.day - b.day);
}

/** Pending days plus a newly summarized one; a day summarized again replaces its older entry. */
export function withJournalDay(days: readonly JournalDay[], day: JournalDay): JournalDay[] {
  return [...days.filter((d) => d.day !== day.day), day].sort((a, b) => a.day - b.day);
}
