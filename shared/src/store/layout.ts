/**
 * How SUMMARY holds the history: the key layout (the layout is ours; the public API is the
 * contract, see [docs/contract.md](../../../docs/contract.md)).
 *
 * | key | value |
 * |---|---|
 * | `c:<group>:<YYYY>` | one calendar year of every series of one group, packed (codec.ts) |
 * | `h:<YYYY>` | that year of every series but the exact versions, one point a week (views.ts) |
 * | `k:<YYYY>` | the series keys with a point in that year |
 * | `_page` | the page's default view (views.ts) |
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
import { isJointGroup, jointGroupOf } from "../summary/joint";
import { VERSIONS_PREFIX, VERSIONS_XYZ_PREFIX } from "../summary/keys";
import { isMovementGroup, LEFT_BEHIND_ON_GROUP, LEFT_BEHIND_ON_PREFIX } from "../summary/movement";

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
 *
 * The movement series (summary/movement.ts) make `upgrades__<component>` (joint groups),
 * `on_release__<component>`, `on_release_median__<component>`, `left_behind` and
 * `left_behind_on` (all its ages in one group).
 */
export function groupOf(key: string): string {
  const joint = jointGroupOf(key);
  if (joint !== null) return joint;
  if (key.startsWith(LEFT_BEHIND_ON_PREFIX)) return LEFT_BEHIND_ON_GROUP;
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

/**
 * The joint groups (summary/joint.ts) are in neither `_page` nor the weekly history: the page
 * fetches their chunks only when its planner is opened (`/api/v1/joint/<group>/<YYYY>`). Nor are
 * the movement groups (summary/movement.ts), which the page does not chart yet.
 */
export const isViewGroup = (group: string) => !isJointGroup(group) && !isMovementGroup(group);

export const yearOf = (day: number) => new Date(day).getUTCFullYear();
export const yearStart = (year: number) => Date.UTC(year, 0, 1);

/** A chunk key's group and year, or null when the key is not a chunk's. */
export function parseChunkKey(name: string): { group: string; year: number } | null {
  const match = /^c:(.+):(\d{4})$/.exec(name);
  return match ? { group: match[1] as string, year: Number(match[2]) } : null;
}

/** The year of a `h:<YYYY>` or `k:<YYYY>` key, or null when `name` is not one. */
export const yearOfKey = (prefix: string, name: string): number | null => {
  if (!name.startsWith(prefix)) return null;
  const rest = name.slice(prefix.length);
  return /^\d{4}$/.test(rest) ? Number(rest) : null;
};

/** The one key the site reads to render its page (see views.ts). */
export const PAGE_KEY = "_page";

/**
 * The summarizer's write-ahead journal (see journal.ts): present only while a run's writes
 * are incomplete; the next run finishes them.
 */
export const JOURNAL_KEY = "_journal";

/**
 * When a writer without a journal (the importer) writes a key: all keys of one phase before any
 * of the next. Series chunks first, then the system counts (whose `systems__total` points are
 * what the importer reads as "days SUMMARY already has"), then the views derived from chunks,
 * the page last. Cut off anywhere, the same import run again sees the days it had not finished
 * as not yet summarized and plans the same writes, so it ends in the same bytes
 * (docs/operations.md#interrupted-operations).
 */
export function writePhase(key: string): 0 | 1 | 2 | 3 {
  if (key === PAGE_KEY) return 3;
  if (key.startsWith(WEEKLY_PREFIX) || key.startsWith(KEYS_PREFIX)) return 2;
  return parseChunkKey(key)?.group === SYSTEMS_GROUP ? 1 : 0;
}
