/**
 * The one way days enter SUMMARY: {@link applyDays}, used by the summarizer every night and by
 * the importer. Each day replaces that day wholesale in every group of its year, then the year's
 * weekly history and key list and the page are rebuilt from what SUMMARY then holds.
 */

import { DAY_MS } from "../config/names";
import { isoDay } from "../config/time";
import { isJointGroup } from "../summary/joint";
import { isSeriesKey, type Point, SYSTEMS_TOTAL } from "../summary/keys";
import { parseChunk, parseJson, parseKeys, serializeChunk, serializeKeys } from "./codec";
import { capNewRows } from "./joint-cap";
import { parseJournal, serializeJournal } from "./journal";
import type { SummaryKV } from "./kv";
import {
  chunkKey,
  groupOf,
  isViewGroup,
  isXyzGroup,
  JOURNAL_KEY,
  keysKey,
  PAGE_KEY,
  parseChunkKey,
  SYSTEMS_GROUP,
  weeklyKey,
  writePhase,
  yearOf,
  yearStart,
} from "./layout";
import { buildPage, type PageData } from "./views";

/** One summarized day: every series point of that day; a series absent here has no point. */
export interface DayPoints {
  /** 00:00 UTC of the day. */
  day: number;
  points: Map<string, number>;
  /**
   * Count series key → established installations behind its point (summary/rule.ts): what ranks
   * and admits a new series under {@link ApplyOptions.maxNewSeriesPerGroup}. Absent (imports):
   * new series are ranked by their counts.
   */
  established?: ReadonlyMap<string, number>;
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
    // Without a journal the order is what makes an interrupted run finishable (writePhase).
    const entries = [...writes].sort((a, b) => writePhase(a[0]) - writePhase(b[0]));
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
  // Without a journal, a run cut off after its last chunk but before the page finds nothing to
  // change: the page is then compared with what it would be (its stamp aside).
  const checkPage = !options.journal && !changed && names.has(PAGE_KEY);
  if (changed || journalListed || !names.has(PAGE_KEY) || checkPage) {
    const page = await buildPage(kv, names, known, options.now);
    if (checkPage && (await samePage(kv, page))) return result;
    if (options.journal && writes.size > 0) await kv.put(JOURNAL_KEY, serializeJournal(todo));
    await flush();
    await kv.put(PAGE_KEY, JSON.stringify(page));
    result.writes++;
    if (options.journal && (changed || journalListed)) await clearJournal(kv);
  }
  return result;
}

/** Whether `_page` holds `page` but for when it was generated. */
async function samePage(kv: SummaryKV, page: PageData): Promise<boolean> {
  const stored = (await kv.getMany([PAGE_KEY])).get(PAGE_KEY);
  if (stored === undefined) return false;
  const unstamped = (text: string) => {
    const parsed = parseJson(text);
    return parsed !== null && typeof parsed === "object"
      ? JSON.stringify({ ...parsed, generatedAt: 0 })
      : null;
  };
  return unstamped(stored) === JSON.stringify({ ...page, generatedAt: 0 });
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
  // The days SUMMARY holds once these are applied: only the deployment's very first summarized
  // day (none before it, nothing last year) takes every new series uncapped.
  const summarized = new Set(storedDays);
  for (const d of applied) {
    if (d.points.has(SYSTEMS_TOTAL)) summarized.add(d.day);
    else summarized.delete(d.day);
  }
  const firstDay = (day: number) =>
    previousKeys.size === 0 && ![...summarized].some((other) => other < day);

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
      if (options.maxNewSeriesPerGroup !== undefined && !firstDay(d.day)) {
        const capped = isJointGroup(group)
          ? capNewRows(points, d.day, series, previousKeys, options.maxNewSeriesPerGroup)
          : capNewSeries(
              points,
              d.day,
              series,
              previousKeys,
              options.maxNewSeriesPerGroup,
              d.established,
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
      if (isXyzGroup(group) || !isViewGroup(group)) continue;
      const sampled = points.filter((p) => samples.has(p[0]));
      if (sampled.length > 0) weekly.set(name, sampled);
    }
  }
  plan(writes, names, known, weeklyKey(year), serializeChunk(year, weekly));
  plan(writes, names, known, keysKey(year), serializeKeys(year, keys));
  return { applied: applied.map((d) => d.day), kept: kept.map((d) => d.day), dropped };
}

/**
 * Day `day`'s points of one group with at most `max` series the group did not have before that
 * day (no point on an earlier day of this year's chunk, not in last year's key list). Every group
 * is capped, new or not, but for the deployment's first summarized day (the caller's test).
 *
 * With `established` (the summarizer's), a new series it names (a version, a PostgreSQL major, an
 * RBAC bucket: names a client chooses) needs at least one established installation behind it,
 * and new series are ranked by their established installations, then
 * by their counts: fakes that appeared days ago cannot outrank a real release carried by
 * installations that have checked in for weeks, however many of them post. Without it
 * (imports), by count. Ties by key. A rerun of a past day, or a journal replayed after later days
 * were written, admits the same series as the first run: only earlier days decide what is new.
 */
export function capNewSeries(
  points: ReadonlyMap<string, number>,
  day: number,
  series: ReadonlyMap<string, Point[]>,
  previousKeys: ReadonlySet<string>,
  max: number,
  established?: ReadonlyMap<string, number>,
): { points: ReadonlyMap<string, number>; dropped: string[] } {
  const known = (key: string) =>
    previousKeys.has(key) || (series.get(key)?.some((p) => p[0] < day) ?? false);
  const behind = (key: string) => established?.get(key) ?? 0;
  const fresh = [...points]
    .filter(([key]) => !known(key))
    .sort((a, b) => behind(b[0]) - behind(a[0]) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const admitted = fresh.filter(([key]) => !established?.has(key) || behind(key) > 0).slice(0, max);
  if (admitted.length === fresh.length) return { points, dropped: [] };
  const keep = new Set(admitted.map(([key]) => key));
  const dropped = fresh.filter(([key]) => !keep.has(key)).map(([key]) => key);
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
