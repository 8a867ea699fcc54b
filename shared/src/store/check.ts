/**
 * Whether a set of keys and values is a SUMMARY this store could have written: what a restore
 * checks before it writes anything (docs/operations.md#restore). A backup's checksum proves the
 * file is the one that was written; this proves that what it holds is a SUMMARY, and nothing
 * else that a reader of SUMMARY (the site, the next summary run) would then trust.
 *
 * Each value must be exactly the bytes the store writes for its key: a chunk, weekly history or
 * key list is parsed by the store's own codec and written back, and must come out the same; the
 * page must be the one the store builds from those very chunks. `_journal` is refused: it would
 * make the next run write whatever it holds.
 */
import { parseChunk, parseJson, parseKeys, serializeChunk, serializeKeys } from "./codec";
import type { SummaryKV } from "./kv";
import {
  CHUNK_PREFIX,
  groupOf,
  isViewGroup,
  isXyzGroup,
  JOURNAL_KEY,
  KEYS_PREFIX,
  PAGE_KEY,
  parseChunkKey,
  WEEKLY_PREFIX,
  yearOfKey,
} from "./layout";
import { buildPage } from "./views";

/** At most this many problems are named; one is enough to refuse. */
const MAX_PROBLEMS = 10;

/** What is wrong with `entries` as a whole SUMMARY, or an empty list when nothing is. */
export async function summaryProblems(entries: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, value] of entries) {
    if (key === PAGE_KEY) continue;
    const problem = valueProblem(key, value);
    if (problem) problems.push(`${key}: ${problem}`);
    if (problems.length >= MAX_PROBLEMS) return problems;
  }
  const page = entries.get(PAGE_KEY);
  if (page !== undefined && problems.length === 0) {
    const problem = await pageProblem(entries, page);
    if (problem) problems.push(`${PAGE_KEY}: ${problem}`);
  }
  return problems;
}

function valueProblem(key: string, value: string): string | null {
  if (key === JOURNAL_KEY) {
    return "a run's unfinished writes; the next run would write whatever it holds";
  }
  const chunk = parseChunkKey(key);
  if (chunk) {
    const series = parseChunk(value);
    const foreign = [...series.keys()].find((name) => groupOf(name) !== chunk.group);
    if (foreign) return `holds ${foreign}, which is not of group ${chunk.group}`;
    return sameBytes(value, serializeChunk(chunk.year, series), "a year of series");
  }
  const weekly = yearOfKey(WEEKLY_PREFIX, key);
  if (weekly !== null) {
    const series = parseChunk(value);
    const unviewed = [...series.keys()].find((name) => {
      const group = groupOf(name);
      return isXyzGroup(group) || !isViewGroup(group);
    });
    if (unviewed)
      return `holds ${unviewed}; exact versions and joint series have no weekly history`;
    return sameBytes(value, serializeChunk(weekly, series), "a year of weekly history");
  }
  const keys = yearOfKey(KEYS_PREFIX, key);
  if (keys !== null) {
    return sameBytes(value, serializeKeys(keys, new Set(parseKeys(value))), "a year's key list");
  }
  return `not a key of SUMMARY's layout (${CHUNK_PREFIX}<group>:<YYYY>, ${WEEKLY_PREFIX}<YYYY>, ${KEYS_PREFIX}<YYYY>, ${PAGE_KEY})`;
}

function sameBytes(value: string, canonical: string | null, what: string): string | null {
  return value === canonical ? null : `not ${what} as the store writes it`;
}

/** The page must be what the store builds from the other entries, at the time it names. */
async function pageProblem(
  entries: ReadonlyMap<string, string>,
  text: string,
): Promise<string | null> {
  const stored = parseJson(text) as { generatedAt?: unknown } | null;
  const at = stored?.generatedAt;
  if (typeof at !== "number" || !Number.isSafeInteger(at)) return "not the page the store writes";
  const known = new Map<string, string | null>(entries);
  const nothingElse: SummaryKV = {
    list: async () => [],
    getMany: async () => new Map(),
    put: async () => undefined,
    delete: async () => undefined,
  };
  const built = await buildPage(nothingElse, new Set(entries.keys()), known, at);
  return JSON.stringify(built) === text
    ? null
    : "not the page of these chunks (the store rebuilds it from them)";
}
