/**
 * How SUMMARY holds the history (the layout is ours; the public API is the contract), and the one
 * way days enter it: {@link applyDays}, used by the summarizer every night and by the importer.
 *
 * | key | value |
 * |---|---|
 * | `c:<group>:<YYYY>` | one calendar year of every series of one group, packed (packed.ts) |
 * | `h:<YYYY>` | that year of every series but the exact versions, one point a week (page.ts) |
 * | `k:<YYYY>` | the series keys with a point in that year |
 * | `_page` | the page's default view (page.ts) |
 * | `_journal` | the days being written, present only while a run's writes are incomplete |
 *
 * A group is a family of series read together: one component's x.y versions, one component's
 * exact versions, PostgreSQL majors, ages, one RBAC measure, one process measure, the system
 * counts (see {@link groupOf}); Pulp's allowlist makes about forty. Applying a day therefore
 * touches one chunk per group of that day's year, whatever the number of series or of years
 * behind it: the nightly run reads and writes about forty keys of one year, and its memory,
 * KV operations and bytes do not grow with history. `/api/v1/series/<key>` reads one group's
 * years (a list and one bulk read); the export reads every chunk, a hundred to a bulk read.
 */
import { z } from "zod";
import {
  isSeriesKey,
  JOURNAL_KEY,
  PAGE_KEY,
  type Point,
  SYSTEMS_TOTAL,
  VERSIONS_PREFIX,
  VERSIONS_XYZ_PREFIX,
} from "./keys";
import { DAY_MS } from "./names";
import { type Packed, pack, packBlock, unpack } from "./packed";
import { PAGE_VERSION, type PageData, RECENT_DAYS, type WeeklyHistory } from "./page";
import { isoDay } from "./time";

export const STORE_VERSION = 2;

export const CHUNK_PREFIX = "c:";
export const WEEKLY_PREFIX = "h:";
export const KEYS_PREFIX = "k:";

export const chunkKey = (group: string, year: number) => `${CHUNK_PREFIX}${group}:${year}`;
export const weeklyKey = (year: number) => `${WEEKLY_PREFIX}${year}`;
export const keysKey = (year: number) => `${KEYS_PREFIX}${year}`;

/** The group of the system counts, whose `systems__total` says which days are summarized. */
export const SYSTEMS_GROUP = "systems";

/**
 * The group a series belongs to: `versions__core__3.49` → `versions__core`,
 * `versions_xyz__rpm__3.28.1` → `versions_xyz__rpm`, `rbac__users__3-4` → `rbac__users`,
 * `online_workers__processes__mean` → `online_workers__processes`, `age__5-8` → `age`.
 */
export function groupOf(key: string): string {
  for (const prefix of [VERSIONS_XYZ_PREFIX, VERSIONS_PREFIX]) {
    if (key.startsWith(prefix)) {
      const cut = key.indexOf("__", prefix.length);
      return cut > 0 ? key.slice(0, cut) : key;
    }
  }
  const cut = key.lastIndexOf("__");
  return cut > 0 ? key.slice(0, cut) : key;
}

/** Exact-version groups are kept out of the page's views (the most numerous, least charted). */
export const isXyzGroup = (group: string) => group.startsWith(VERSIONS_XYZ_PREFIX);

export const yearOf = (day: number) => new Date(day).getUTCFullYear();
export const yearStart = (year: number) => Date.UTC(year, 0, 1);

/** A chunk key's group and year, or null when the key is not a chunk's. */
export function parseChunkKey(name: string): { group: string; year: number } | null {
  const match = /^c:(.+):(\d{4})$/.exec(name);
  return match ? { group: match[1] as string, year: Number(match[2]) } : null;
}

const yearOfKey = (prefix: string, name: string): number | null => {
  if (!name.startsWith(prefix)) return null;
  const rest = name.slice(prefix.length);
  return /^\d{4}$/.test(rest) ? Number(rest) : null;
};

const BlockSchema = z.object({
  v: z.literal(STORE_VERSION),
  year: z.number().int(),
  start: z.number().int(),
  series: z.record(z.string(), z.array(z.number())),
});

const KeysSchema = z.object({
  v: z.literal(STORE_VERSION),
  year: z.number().int(),
  keys: z.array(z.string()),
});

function parseJson(text: string): unknown {
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
  const block: WeeklyHistory = { v: STORE_VERSION, year, start, series: packed };
  return JSON.stringify(block);
}

export function parseKeys(text: string | null | undefined): string[] {
  if (!text) return [];
  const parsed = KeysSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data.keys.filter(isSeriesKey) : [];
}

function serializeKeys(year: number, keys: ReadonlySet<string>): string | null {
  return keys.size === 0
    ? null
    : JSON.stringify({ v: STORE_VERSION, year, keys: [...keys].sort() });
}

/**
 * Day `day` summarized again with `points` (this group's only): every series loses its old point
 * on that day, and the series with a point get it. In place; series left empty are removed.
 */
export function applyDayToGroup(
  series: Map<string, Point[]>,
  day: number,
  points: ReadonlyMap<string, number>,
): void {
  for (const [key, old] of series) {
    // Cheap for the usual case, a day after (or before) all of a series' points.
    if (points.has(key) || (old[old.length - 1] as Point)[0] < day || (old[0] as Point)[0] > day) {
      continue;
    }
    const at = old.findIndex((p) => p[0] === day);
    if (at < 0) continue;
    old.splice(at, 1);
    if (old.length === 0) series.delete(key);
  }
  for (const [key, value] of points) {
    const old = series.get(key);
    if (!old) {
      series.set(key, [[day, value]]);
      continue;
    }
    const last = old[old.length - 1] as Point;
    // The nightly case: a day after all others.
    if (last[0] < day) {
      old.push([day, value]);
      continue;
    }
    const at = old.findIndex((p) => p[0] >= day);
    if ((old[at] as Point)[0] === day) old[at] = [day, value];
    else old.splice(at, 0, [day, value]);
  }
}

/**
 * The day whose values stand for each week of `year` in the weekly history: the latest summarized
 * day (a `systems__total` point) of each seven-day block counted from 1 January.
 */
export function weeklySampleDays(year: number, systemsTotal: readonly Point[]): Set<number> {
  const start = yearStart(year);
  const latest = new Map<number, number>();
  for (const [day] of systemsTotal) {
    if (yearOf(day) !== year) continue;
    const week = Math.floor((day - start) / DAY_MS / 7);
    latest.set(week, Math.max(latest.get(week) ?? day, day));
  }
  return new Set(latest.values());
}

/** One summarized day: every series point of that day; a series absent here has no point. */
export interface DayPoints {
  /** 00:00 UTC of the day. */
  day: number;
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

/**
 * The journal (`_journal`) is the summarizer's write-ahead record: the days whose points are
 * being written, with their points. It carries the points, not a recipe: RAW has moved on by
 * the time a later run finishes the writes.
 */
export function serializeJournal(days: readonly DayPoints[]): string {
  return JSON.stringify({
    v: 1,
    days: days.map((d) => ({ day: d.day, points: [...d.points] })),
  });
}

/** The journal's days, oldest first, or null when the text is not a journal. */
export function parseJournal(text: string): DayPoints[] | null {
  const journal = JournalSchema.safeParse(parseJson(text));
  if (!journal.success) return null;
  return journal.data.days
    .map((d) => ({ day: d.day, points: new Map(d.points) }))
    .sort((a, b) => a.day - b.day);
}

/** The KV surface the store needs: the summarizer adapts its binding, the importer wrangler. */
export interface SummaryKV {
  /** Every key name with the prefix (all when none), following cursors to the end. */
  list(prefix?: string): Promise<string[]>;
  /** The values of those of `keys` that exist; the adapter batches (a hundred to a bulk read). */
  getMany(keys: string[]): Promise<Map<string, string>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Keys per bulk read: Cloudflare's maximum, and one operation. */
const BULK_GET_KEYS = 100;

/**
 * The calls of a Workers KV binding the store makes, named here so that this file needs no
 * Workers types (it also runs in Node: tests, importer, benchmarks).
 */
export interface KVBinding {
  list(options: {
    prefix?: string;
    cursor?: string | null;
  }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
  get(keys: string[], type: "text"): Promise<Map<string, string | null>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The read side of a KV binding: listing by prefix to the end, and bulk reads of a hundred. */
export function summaryReader(
  kv: Pick<KVBinding, "list" | "get">,
): Pick<SummaryKV, "list" | "getMany"> {
  return {
    async list(prefix) {
      const names: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kv.list({ prefix, cursor });
        for (const key of page.keys) names.push(key.name);
        // A page may be empty and still not the last: only list_complete ends the listing.
        if (page.list_complete) return names;
        cursor = page.cursor;
      }
    },
    async getMany(keys) {
      const texts = new Map<string, string>();
      for (let i = 0; i < keys.length; i += BULK_GET_KEYS) {
        const values = await kv.get(keys.slice(i, i + BULK_GET_KEYS), "text");
        for (const [key, text] of values) if (text !== null) texts.set(key, text);
      }
      return texts;
    },
  };
}

/** A KV binding as the store uses it: listing, bulk reads, writes. */
export function summaryStore(kv: KVBinding): SummaryKV {
  return {
    ...summaryReader(kv),
    put: (key, value) => kv.put(key, value),
    delete: (key) => kv.delete(key),
  };
}

export interface ApplyOptions {
  /** Stamped into `_page` as `generatedAt`. */
  now: number;
  /**
   * Leave alone every day SUMMARY already has (a `systems__total` point): the importer's rule,
   * so that days the service summarized itself win and a second import changes nothing.
   */
  keepStoredDays?: boolean;
  /**
   * Write-ahead `_journal` (the summarizer): the days are stored before the first series write
   * and removed after the last, and a journal left by a failed run is applied first.
   */
  journal?: boolean;
  /**
   * At most this many series a group has never had may enter it per day (the summarizer's
   * defence against invented versions; see {@link capNewSeries}). Unset: no cap (imports).
   */
  maxNewSeriesPerGroup?: number;
}

export interface ApplyResult {
  /** Days written (ISO dates), oldest first; journal days replayed included. */
  daysApplied: string[];
  /** Days left alone because SUMMARY had them ({@link ApplyOptions.keepStoredDays}). */
  daysKept: string[];
  /** Keys put and deleted. */
  writes: number;
  deletes: number;
  /** The journal's days that this run replayed (a failed run finished). */
  replayed: string[];
  /** New series left out by {@link ApplyOptions.maxNewSeriesPerGroup}, sorted. */
  capped: string[];
}

/** Key → new value (null: delete). */
type Writes = Map<string, string | null>;

/**
 * Apply summarized days to SUMMARY: each day replaces that day wholesale in every group of its
 * year (a rerun converges byte for byte; a rerun that changes nothing writes nothing), then the
 * weekly history and key list of each touched year and the page are rebuilt from what SUMMARY
 * then holds. Reads one year at a time, so memory follows one year of series, never the history.
 */
export async function applyDays(
  kv: SummaryKV,
  days: readonly DayPoints[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  const names = new Set(await kv.list());
  let todo = [...days];
  let replayed: DayPoints[] = [];
  const journalListed = options.journal === true && names.has(JOURNAL_KEY);
  if (journalListed) {
    const text = (await kv.getMany([JOURNAL_KEY])).get(JOURNAL_KEY);
    const given = new Set(days.map((d) => d.day));
    replayed = (text ? (parseJournal(text) ?? []) : []).filter((d) => !given.has(d.day));
    todo = [...replayed, ...todo];
  }
  // One entry a day, the last given winning, oldest first.
  const byDay = new Map<number, DayPoints>();
  for (const d of todo) byDay.set(d.day, d);
  todo = [...byDay.values()].sort((a, b) => a.day - b.day);

  const result: ApplyResult = {
    daysApplied: [],
    daysKept: [],
    writes: 0,
    deletes: 0,
    replayed: replayed.map((d) => isoDay(d.day)),
    capped: [],
  };
  const capped = new Set<string>();
  /** The latest text of every key this run has read or planned (null: absent). */
  const known = new Map<string, string | null>();
  const writes: Writes = new Map();
  const years = [...new Set(todo.map((d) => yearOf(d.day)))].sort((a, b) => a - b);

  const flush = async () => {
    const entries = [...writes];
    writes.clear();
    for (let i = 0; i < entries.length; i += WRITE_BATCH) {
      await Promise.all(
        entries.slice(i, i + WRITE_BATCH).map(([key, value]) => {
          if (value === null) {
            result.deletes++;
            return kv.delete(key);
          }
          result.writes++;
          return kv.put(key, value);
        }),
      );
    }
  };

  for (const year of years) {
    const yearDays = todo.filter((d) => yearOf(d.day) === year);
    const applied = await planYear(kv, names, known, writes, year, yearDays, options);
    result.daysApplied.push(...applied.applied.map(isoDay));
    result.daysKept.push(...applied.kept.map(isoDay));
    for (const key of applied.dropped) capped.add(key);
    // Without a journal nothing ties the years together: write each as it is planned, so an
    // import of many years holds one year at a time.
    if (!options.journal) await flush();
  }

  result.capped = [...capped].sort();
  const changed = options.journal ? writes.size > 0 : result.writes + result.deletes > 0;
  if (changed || journalListed || !names.has(PAGE_KEY)) {
    const page = await buildPage(kv, names, known, options.now);
    if (options.journal && writes.size > 0) await kv.put(JOURNAL_KEY, serializeJournal(todo));
    await flush();
    await kv.put(PAGE_KEY, JSON.stringify(page));
    result.writes++;
    if (options.journal && (changed || journalListed)) await clearJournal(kv);
  }
  return result;
}

/** Writes in flight at once: fast, yet a failure stops the run after a few. */
const WRITE_BATCH = 20;

/**
 * Plan the writes of one year's days: every chunk of the year is read (a day removes its old
 * points from groups it no longer has), changed, and compared with what is stored; then the
 * year's weekly history and key list.
 */
async function planYear(
  kv: SummaryKV,
  names: Set<string>,
  known: Map<string, string | null>,
  writes: Writes,
  year: number,
  days: readonly DayPoints[],
  options: ApplyOptions,
): Promise<{ applied: number[]; kept: number[]; dropped: Set<string> }> {
  const stored = [...names].filter((name) => parseChunkKey(name)?.year === year);
  const wanted = [...stored, weeklyKey(year), keysKey(year)];
  // Last year's keys tell a series that is new from one that continues into a new year.
  if (options.maxNewSeriesPerGroup !== undefined) wanted.push(keysKey(year - 1));
  const texts = await kv.getMany(wanted.filter((name) => names.has(name) && !known.has(name)));
  for (const name of wanted) if (!known.has(name)) known.set(name, texts.get(name) ?? null);
  const previousKeys = new Set(parseKeys(known.get(keysKey(year - 1))));

  const systems = parseChunk(known.get(chunkKey(SYSTEMS_GROUP, year)));
  const storedDays = new Set((systems.get(SYSTEMS_TOTAL) ?? []).map((p) => p[0]));
  const kept = options.keepStoredDays ? days.filter((d) => storedDays.has(d.day)) : [];
  const applied = days.filter((d) => !kept.includes(d));

  // The day's points split by group, so each chunk is parsed, changed and dropped in turn.
  const pointsByGroup = new Map<string, Map<number, Map<string, number>>>();
  for (const d of applied) {
    for (const [key, value] of d.points) {
      if (!isSeriesKey(key)) continue;
      const group = groupOf(key);
      const byDay = pointsByGroup.get(group) ?? new Map<number, Map<string, number>>();
      pointsByGroup.set(group, byDay);
      const points = byDay.get(d.day) ?? new Map<string, number>();
      byDay.set(d.day, points);
      points.set(key, value);
    }
  }
  const groups = new Set([
    ...stored.map((name) => (parseChunkKey(name) as { group: string }).group),
    ...pointsByGroup.keys(),
  ]);
  // The system counts first: they say which days are summarized, hence the weekly sample days.
  const ordered = [...groups].sort(
    (a, b) => Number(b === SYSTEMS_GROUP) - Number(a === SYSTEMS_GROUP) || (a < b ? -1 : 1),
  );

  let samples = new Set<number>();
  const dropped = new Set<string>();
  const weekly = new Map<string, Point[]>();
  const keys = new Set<string>();
  for (const group of ordered) {
    const key = chunkKey(group, year);
    const series = parseChunk(known.get(key));
    const byDay = pointsByGroup.get(group);
    for (const d of applied) {
      let points = byDay?.get(d.day) ?? EMPTY;
      if (options.maxNewSeriesPerGroup !== undefined) {
        const capped = capNewSeries(
          points,
          d.day,
          series,
          previousKeys,
          options.maxNewSeriesPerGroup,
        );
        capped.dropped.forEach((key) => {
          dropped.add(key);
        });
        points = capped.points;
      }
      applyDayToGroup(series, d.day, points);
    }
    plan(writes, names, known, key, serializeChunk(year, series));

    if (group === SYSTEMS_GROUP) samples = weeklySampleDays(year, series.get(SYSTEMS_TOTAL) ?? []);
    for (const [name, points] of series) {
      keys.add(name);
      if (isXyzGroup(group)) continue;
      const sampled = points.filter((p) => samples.has(p[0]));
      if (sampled.length > 0) weekly.set(name, sampled);
    }
  }
  plan(writes, names, known, weeklyKey(year), serializeChunk(year, weekly));
  plan(writes, names, known, keysKey(year), serializeKeys(year, keys));
  return { applied: applied.map((d) => d.day), kept: kept.map((d) => d.day), dropped };
}

/**
 * Day `day`'s points of one group with at most `max` series the group has never had (no point on
 * another day of this year's chunk, not in last year's key list), the largest first: a flood of
 * invented versions cannot mint series without bound, a real new release, counted by real
 * installations, outranks them, and a rerun of the day admits the same ones. A group with no
 * series yet (the first summary, a new component) is not capped.
 */
export function capNewSeries(
  points: ReadonlyMap<string, number>,
  day: number,
  series: ReadonlyMap<string, Point[]>,
  previousKeys: ReadonlySet<string>,
  max: number,
): { points: ReadonlyMap<string, number>; dropped: string[] } {
  const known = (key: string) =>
    previousKeys.has(key) || (series.get(key)?.some((p) => p[0] !== day) ?? false);
  if (![...series.keys(), ...points.keys()].some(known)) return { points, dropped: [] };
  const fresh = [...points]
    .filter(([key]) => !known(key))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (fresh.length <= max) return { points, dropped: [] };
  const dropped = fresh.slice(max).map(([key]) => key);
  const kept = new Map(points);
  for (const key of dropped) kept.delete(key);
  return { points: kept, dropped };
}

const EMPTY: ReadonlyMap<string, number> = new Map();

/** Record a key's new value if it differs from what is known to be stored. */
function plan(
  writes: Writes,
  names: Set<string>,
  known: Map<string, string | null>,
  key: string,
  value: string | null,
): void {
  if ((known.get(key) ?? null) === value) return;
  writes.set(key, value);
  known.set(key, value);
  if (value === null) names.delete(key);
  else names.add(key);
}

/**
 * The page's default view from what SUMMARY holds once the planned writes are done: the latest
 * summarized day, the recent days of every charted series, that day's exact versions, and the
 * years with weekly history. Reads only what this run has not already read: at most the chunks
 * of the year before, when the recent days reach back into it.
 */
async function buildPage(
  kv: SummaryKV,
  names: Set<string>,
  known: Map<string, string | null>,
  now: number,
): Promise<PageData> {
  const years = [...names]
    .map((name) => yearOfKey(WEEKLY_PREFIX, name))
    .filter((y): y is number => y !== null)
    .sort((a, b) => a - b);
  const read = async (keys: string[]) => {
    const missing = keys.filter((k) => !known.has(k));
    if (missing.length > 0) {
      const texts = await kv.getMany(missing);
      for (const k of missing) known.set(k, texts.get(k) ?? null);
    }
  };

  let asOf: number | null = null;
  for (const year of [...years].reverse()) {
    const key = chunkKey(SYSTEMS_GROUP, year);
    await read([key]);
    const total = parseChunk(known.get(key)).get(SYSTEMS_TOTAL) ?? [];
    const last = total[total.length - 1];
    if (last) {
      asOf = last[0];
      break;
    }
  }
  const page: PageData = {
    v: PAGE_VERSION,
    generatedAt: now,
    asOf,
    recent: { start: asOf ?? 0, series: {} },
    latestXyz: {},
    years,
  };
  if (asOf === null) return page;

  const last: number = asOf;
  const first = last - (RECENT_DAYS - 1) * DAY_MS;
  const recent = new Map<string, Point[]>();
  const chunksOf = (year: number) =>
    [...names].filter((name) => parseChunkKey(name)?.year === year).sort();
  // Oldest year first, so a series in both years continues in order.
  for (const year of [...new Set([yearOf(first), yearOf(last)])]) {
    const keys: string[] = chunksOf(year).filter((name) => {
      const group = (parseChunkKey(name) as { group: string }).group;
      return !isXyzGroup(group) || year === yearOf(last);
    });
    await read(keys);
    for (const name of keys) {
      const group = (parseChunkKey(name) as { group: string }).group;
      for (const [key, points] of parseChunk(known.get(name))) {
        if (isXyzGroup(group)) {
          const latest = points[points.length - 1];
          if (latest && latest[0] === last) page.latestXyz[key] = latest[1];
          continue;
        }
        const inWindow = points.filter((p) => p[0] >= first && p[0] <= last);
        if (inWindow.length > 0) recent.set(key, [...(recent.get(key) ?? []), ...inWindow]);
      }
    }
  }
  page.recent = packBlock(
    [...recent].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    first,
  );
  return page;
}

/**
 * The journal's work is done. Removing it can fail on its own (KV allows one write per second
 * to a key, and it was written moments ago); a leftover journal only makes the next run replay
 * days that are already written, which changes nothing, so this failure is not the run's.
 */
async function clearJournal(kv: SummaryKV): Promise<void> {
  try {
    await kv.delete(JOURNAL_KEY);
  } catch (error) {
    console.warn(JSON.stringify({ event: "summary-journal", error: String(error) }));
  }
}

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
