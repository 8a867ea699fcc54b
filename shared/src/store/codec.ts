/**
 * The values SUMMARY holds per year: a {@link YearBlock} of packed series (chunks `c:` and the
 * weekly history `h:`) and the year's key list (`k:`). A value that is not one reads as empty.
 */
import * as z from "zod/mini";
import { isSeriesKey, type Point } from "../summary/keys";
import { yearStart } from "./layout";
import { type Packed, pack, type SeriesBlock, unpack } from "./packed";

/**
 * The format of the year values (chunks, weekly history, key lists). Bumping it makes every
 * stored year read as empty; the page data has its own version (views.ts).
 */
const STORE_VERSION = 2;

/** One calendar year of series, packed against 1 January: a chunk or a weekly history. */
export interface YearBlock extends SeriesBlock {
  v: typeof STORE_VERSION;
  year: number;
}

const BlockSchema = z.object({
  v: z.literal(STORE_VERSION),
  year: z.int(),
  start: z.int(),
  series: z.record(z.string(), z.array(z.number())),
});

const KeysSchema = z.object({
  v: z.literal(STORE_VERSION),
  year: z.int(),
  keys: z.array(z.string()),
});

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A stored chunk (or weekly history) as series of points. A value that is not one (damaged, or
 * written by something else) reads as empty, so the next write replaces it instead of failing.
 */
export function parseChunk(text: string | null | undefined): Map<string, Point[]> {
  const series = new Map<string, Point[]>();
  if (!text) return series;
  const parsed = BlockSchema.safeParse(parseJson(text));
  if (!parsed.success) return series;
  for (const [key, packed] of Object.entries(parsed.data.series)) {
    if (isSeriesKey(key)) series.set(key, unpack(packed, parsed.data.start));
  }
  return series;
}

/** A year of series as stored, or null when nothing is left (the key is deleted). */
export function serializeChunk(year: number, series: ReadonlyMap<string, Point[]>): string | null {
  const packed: Record<string, Packed> = {};
  const start = yearStart(year);
  for (const key of [...series.keys()].sort()) {
    const points = series.get(key) as Point[];
    if (points.length > 0) packed[key] = pack(points, start);
  }
  if (Object.keys(packed).length === 0) return null;
  const block: YearBlock = { v: STORE_VERSION, year, start, series: packed };
  return JSON.stringify(block);
}

export function parseKeys(text: string | null | undefined): string[] {
  if (!text) return [];
  const parsed = KeysSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data.keys.filter(isSeriesKey) : [];
}

/** A year with no series, as a chunk would hold it: what a year before any point reads as. */
export function emptyYear(year: number): string {
  const block: YearBlock = { v: STORE_VERSION, year, start: yearStart(year), series: {} };
  return JSON.stringify(block);
}

export function serializeKeys(year: number, keys: ReadonlySet<string>): string | null {
  return keys.size === 0
    ? null
    : JSON.stringify({ v: STORE_VERSION, year, keys: [...keys].sort() });
}
