/**
 * `GET /api/v1/export.csv` (docs/contract.md#4-public-read-api): every published series, every day, in one long CSV
 * (`date,key,value`), for spreadsheets and pandas. Built from the year chunks (shared/src/store/) as they
 * are read, so the site can stream it: a list of `c:`, then the chunks in bulk reads of
 * {@link EXPORT_BATCH}, a group's rows written as soon as its last year has been read. Memory
 * follows one group's years and one batch, never the whole history.
 *
 * Rows are ordered by key, then date: groups in the order of their keys' common prefix
 * `<group>__`, and within a group keys sorted, each key's years oldest first.
 */

import { isoDay } from "../config/time";
import { parseChunk } from "../store/codec";
import { parseChunkKey, yearOf, yearStart } from "../store/layout";
import { type Packed, pack, unpack } from "../store/packed";
import type { Point } from "../summary/keys";

export const EXPORT_HEADER = "date,key,value";

/**
 * Chunk keys per bulk read: one KV operation each, and a few MB a chunk at worst (100,000
 * installations' exact versions over a year), so ten keep a read's texts to tens of MB.
 */
export const EXPORT_BATCH = 10;

export interface ExportChunk {
  name: string;
  group: string;
  year: number;
}

/** The chunk keys among `names` (a list of `c:`) in export order: group, then year. */
export function exportChunks(names: Iterable<string>): ExportChunk[] {
  const chunks: ExportChunk[] = [];
  for (const name of names) {
    const parsed = parseChunkKey(name);
    if (parsed) chunks.push({ name, ...parsed });
  }
  // Every key of a group starts with `<group>__`, so this is also the keys' order across groups.
  const order = (chunk: ExportChunk) => `${chunk.group}__`;
  return chunks.sort((a, b) =>
    order(a) === order(b) ? a.year - b.year : order(a) < order(b) ? -1 : 1,
  );
}

/**
 * One group's rows from its year chunks (oldest first): one string per key, keys sorted.
 * Empties `texts`. Each year is parsed once and held packed (a few bytes a point, as stored)
 * rather than as points, so a group of ten big years stays a few times its stored size.
 */
function* groupRows(texts: string[], dates: Map<number, string> = new Map()): Generator<string> {
  const years = texts.splice(0).map((text) => {
    const series = new Map<string, Packed>();
    let start = 0;
    for (const [key, points] of parseChunk(text)) {
      start = yearStart(yearOf((points[0] as Point)[0]));
      series.set(key, pack(points, start));
    }
    return { start, series };
  });
  const keys = [...new Set(years.flatMap((year) => [...year.series.keys()]))].sort();
  for (const key of keys) {
    let rows = "";
    for (const year of years) {
      const packed = year.series.get(key);
      if (!packed) continue;
      for (const [at, value] of unpack(packed, year.start)) {
        let date = dates.get(at);
        if (date === undefined) {
          date = isoDay(at);
          dates.set(at, date);
        }
        rows += `${date},${key},${value}\r\n`;
      }
      // Written: let it go, so the group's memory shrinks as its keys are written.
      year.series.delete(key);
    }
    if (rows !== "") yield rows;
  }
}

/**
 * The whole CSV, header row first, CRLF line ends (RFC 4180, like the per-series CSV), as
 * strings to write one after another: `chunks` read `batch` to a bulk read (`getMany`, one KV
 * operation), each group written once all its years are in.
 */
export async function* exportCsv(
  chunks: readonly ExportChunk[],
  getMany: (names: string[]) => Promise<Map<string, string>>,
  batch: number = EXPORT_BATCH,
): AsyncGenerator<string> {
  yield `${EXPORT_HEADER}\r\n`;
  let group: string | null = null;
  const texts: string[] = [];
  // Every row of a day spells its date the same way: spelled once per day, not per row.
  const dates = new Map<number, string>();
  for (let i = 0; i < chunks.length; i += batch) {
    const slice = chunks.slice(i, i + batch);
    const read = await getMany(slice.map((chunk) => chunk.name));
    for (const chunk of slice) {
      if (chunk.group !== group) {
        yield* groupRows(texts, dates);
        group = chunk.group;
      }
      const text = read.get(chunk.name);
      // Listed but gone by now (deleted by a run in between): that year has nothing to add.
      if (text !== undefined) texts.push(text);
    }
  }
  yield* groupRows(texts, dates);
}
