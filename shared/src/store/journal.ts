/**
 * The journal (`_journal`) is the summarizer's write-ahead record: the days whose points are
 * being written, with their points. It carries the points, not a recipe: RAW has moved on by
 * the time a later run finishes the writes.
 */
import * as z from "zod/mini";
import type { DayPoints } from "./apply";
import { parseJson } from "./codec";

const JournalSchema = z.object({
  v: z.literal(1),
  days: z.array(
    z.object({
      day: z.int(),
      points: z.array(z.tuple([z.string(), z.number()])),
      established: z.optional(z.array(z.tuple([z.string(), z.number()]))),
    }),
  ),
});

export function serializeJournal(days: readonly DayPoints[]): string {
  return JSON.stringify({
    v: 1,
    days: days.map((d) => ({
      day: d.day,
      points: [...d.points],
      ...(d.established ? { established: [...d.established] } : {}),
    })),
  });
}

/** The journal's days, oldest first, or null when the text is not a journal. */
export function parseJournal(text: string): DayPoints[] | null {
  const journal = JournalSchema.safeParse(parseJson(text));
  if (!journal.success) return null;
  return journal.data.days
    .map((d) => ({
      day: d.day,
      points: new Map(d.points),
      ...(d.established ? { established: new Map(d.established) } : {}),
    }))
    .sort((a, b) => a.day - b.day);
}
