/**
 * SUMMARY: its key layout, the year values and their codec, the write-ahead journal, the one
 * way days enter it ({@link applyDays}), the page views it keeps, and its reads.
 */

export type { ApplyResult, DayPoints } from "./apply";
export { applyDays } from "./apply";
export type { LiveRules } from "./check";
export { summaryProblems } from "./check";
export { emptyYear, parseChunk, parseKeys, serializeChunk } from "./codec";
export { offPageChunks, valuesOn } from "./joint-read";
export { parseJournal } from "./journal";
export type { SummaryKV } from "./kv";
export { summaryReader, summaryStore } from "./kv";
export {
  CHUNK_PREFIX,
  chunkKey,
  groupOf,
  JOURNAL_KEY,
  KEYS_PREFIX,
  keysKey,
  PAGE_KEY,
  parseChunkKey,
  weeklyKey,
  writePhase,
  yearOf,
  yearStart,
} from "./layout";
export type { SeriesBlock } from "./packed";
export { unpack, unpackBlock } from "./packed";
export { seriesFromChunks, summarizedDays } from "./read";
export type { PageData, WeeklyHistory } from "./views";
export { recentSeries } from "./views";
