/**
 * The joint series (docs/contract.md#joint-series): counts of combinations of facts, which exist
 * only inside the nightly pass where each installation's facts are read together. Pure: the
 * summarizer's running summary (rule.ts) counts every persistent installation's raw cells, and
 * {@link publishJoint} turns the day's raw counts into what is published, applying the
 * small-cell rule.
 *
 * Families (each one group of SUMMARY, see store/layout.ts):
 * - `core_postgresql__<core x.y>__<major>`: persistent installations by core x.y and PostgreSQL
 *   major (`unknown` included); a table whose rows are core x.y.
 * - `plugin_core__<plugin>__<plugin x.y>__<core x.y>`: per published plugin, its installations by
 *   its x.y and core's x.y; rows are the plugin's x.y.
 * - `installed__<component>`: persistent installations running a published component.
 * - `together__<a>__<b>` (a < b): persistent installations running both.
 *
 * The small-cell rule (K = `SMALL_CELL_K`): in the two tables a cell under K has no point; the
 * sum of a row's unpublished cells is the row's `…__other` point, so every row, and so every
 * total, stays exact. A remainder made of one small cell would be that cell: a row with exactly
 * one suppressed cell also gives up its smallest other cell (complementary suppression), and in
 * `core_postgresql`, whose column totals are public (`postgresql__<major>`), so does a column.
 * Pairs of `together` are no partition (an installation is in many pairs), so nothing adds up
 * to a published total: a pair under K is left out, without remainder.
 *
 * The upgrade paths of movement.ts (`upgrades__<component>__<from>__<to>`, a table per component
 * whose rows are `<from>`) are counted and published here too, as joint cells, so their groups
 * are joint groups.
 */

import type { Facts } from "../checkin/schema";
import { UPGRADES_PREFIX } from "./keys";

const CORE_POSTGRESQL_PREFIX = "core_postgresql__";
const PLUGIN_CORE_PREFIX = "plugin_core__";
const INSTALLED_PREFIX = "installed__";
const TOGETHER_PREFIX = "together__";
/** The column of a row's remainder: never an x.y or a PostgreSQL major. */
export const OTHER = "other";

const CORE = "core";

const corePostgresqlKey = (coreXy: string, major: string) =>
  `${CORE_POSTGRESQL_PREFIX}${coreXy}__${major}`;
const pluginCoreKey = (plugin: string, pluginXy: string, coreXy: string) =>
  `${PLUGIN_CORE_PREFIX}${plugin}__${pluginXy}__${coreXy}`;
const installedKey = (component: string) => `${INSTALLED_PREFIX}${component}`;
const togetherKey = (a: string, b: string) =>
  a < b ? `${TOGETHER_PREFIX}${a}__${b}` : `${TOGETHER_PREFIX}${b}__${a}`;

/**
 * The joint families' groups: one each, but `plugin_core` one per plugin and `upgrades` one per
 * component.
 */
export function jointGroupOf(key: string): string | null {
  if (key.startsWith(CORE_POSTGRESQL_PREFIX)) return "core_postgresql";
  if (key.startsWith(INSTALLED_PREFIX)) return "installed";
  if (key.startsWith(TOGETHER_PREFIX)) return "together";
  for (const prefix of [PLUGIN_CORE_PREFIX, UPGRADES_PREFIX]) {
    if (!key.startsWith(prefix)) continue;
    const cut = key.indexOf("__", prefix.length);
    return cut > 0 ? key.slice(0, cut) : null;
  }
  return null;
}

export const isJointGroup = (group: string) =>
  group === "core_postgresql" ||
  group === "installed" ||
  group === "together" ||
  group.startsWith(PLUGIN_CORE_PREFIX) ||
  group.startsWith(UPGRADES_PREFIX);

/**
 * The row of a table cell: the key up to its last `__` (`core_postgresql__3.49__15` →
 * `core_postgresql__3.49`); `installed__` and `together__` keys are rows of their own.
 */
export function jointRowOf(key: string): string {
  if (key.startsWith(INSTALLED_PREFIX) || key.startsWith(TOGETHER_PREFIX)) return key;
  return key.slice(0, key.lastIndexOf("__"));
}

/**
 * The raw joint cells one persistent installation adds one to. `xy` and `major` are the
 * single-fact rule's (rule.ts), passed in so both read a version the same way; components are
 * the published ones. Without core an installation is in no core table.
 */
export function jointCells(
  facts: Facts,
  published: ReadonlySet<string>,
  xy: (version: string) => string,
  major: string,
): string[] {
  const cells: string[] = [];
  const names: string[] = [];
  let coreXy: string | null = null;
  for (const component of facts.components) {
    if (!published.has(component.name)) continue;
    names.push(component.name);
    if (component.name === CORE) coreXy = xy(component.version);
  }
  names.sort();
  for (let i = 0; i < names.length; i++) {
    const a = names[i] as string;
    cells.push(installedKey(a));
    for (let j = i + 1; j < names.length; j++) cells.push(togetherKey(a, names[j] as string));
  }
  if (coreXy !== null) {
    cells.push(corePostgresqlKey(coreXy, major));
    for (const component of facts.components) {
      if (component.name === CORE || !published.has(component.name)) continue;
      cells.push(pluginCoreKey(component.name, xy(component.version), coreXy));
    }
  }
  return cells;
}

/** One table: row key → column → count, columns' totals public or not. */
export type Table = Map<string, Map<string, number>>;

/**
 * Which cells of a table are not published: the cells under `k` (primary), then, until nothing
 * changes, for every row (and every column when `columnsPublic`) holding exactly one unpublished
 * cell, its smallest published cell too (ties: the first column in key order), so that no
 * remainder, of a row or of a column, is a single cell. A row or column with no other cell to
 * give up keeps its one: its total is then that cell, which the single-fact series already
 * publish. Returns `row\u0000column` pairs.
 */
export function suppressedCells(table: Table, k: number, columnsPublic: boolean): Set<string> {
  const id = (row: string, column: string) => `${row}\u0000${column}`;
  const hidden = new Set<string>();
  for (const [row, cells] of table) {
    for (const [column, count] of cells) if (count > 0 && count < k) hidden.add(id(row, column));
  }
  const lines: Array<Array<[string, string, number]>> = [];
  for (const [row, cells] of table) {
    lines.push([...cells].filter(([, n]) => n > 0).map(([column, n]) => [row, column, n]));
  }
  if (columnsPublic) {
    const columns = new Map<string, Array<[string, string, number]>>();
    for (const [row, cells] of table) {
      for (const [column, n] of cells) {
        if (n <= 0) continue;
        const line = columns.get(column) ?? [];
        columns.set(column, line);
        line.push([row, column, n]);
      }
    }
    lines.push(...columns.values());
  }
  for (const line of lines) line.sort((a, b) => a[2] - b[2] || cmp(a[1], b[1]) || cmp(a[0], b[0]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const inside = line.filter(([r, c]) => hidden.has(id(r, c)));
      if (inside.length !== 1) continue;
      const partner = line.find(([r, c]) => !hidden.has(id(r, c)));
      if (!partner) continue;
      hidden.add(id(partner[0], partner[1]));
      changed = true;
    }
  }
  return hidden;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The day's raw joint counts → the published points: tables with the small-cell rule and each
 * row's `other`, `installed__` as counted, `together__` pairs of at least `k`.
 */
export function publishJoint(raw: ReadonlyMap<string, number>, k: number): Map<string, number> {
  const out = new Map<string, number>();
  const tables = new Map<string, Table>();
  for (const [key, count] of raw) {
    if (count <= 0) continue;
    if (key.startsWith(INSTALLED_PREFIX)) {
      out.set(key, count);
      continue;
    }
    if (key.startsWith(TOGETHER_PREFIX)) {
      if (count >= k) out.set(key, count);
      continue;
    }
    const group = jointGroupOf(key);
    if (group === null) continue;
    const row = jointRowOf(key);
    const table = tables.get(group) ?? new Map<string, Map<string, number>>();
    tables.set(group, table);
    const cells = table.get(row) ?? new Map<string, number>();
    table.set(row, cells);
    cells.set(key.slice(row.length + 2), count);
  }
  for (const [group, table] of tables) publishTable(table, k, group === "core_postgresql", out);
  return out;
}

/**
 * One table's published cells into `out`: the cells {@link suppressedCells} keeps, and each row's
 * hidden cells summed into its `<row>__other` (when above 0).
 */
export function publishTable(
  table: Table,
  k: number,
  columnsPublic: boolean,
  out: Map<string, number>,
): void {
  const hidden = suppressedCells(table, k, columnsPublic);
  for (const [row, cells] of table) {
    let other = 0;
    for (const [column, count] of cells) {
      if (hidden.has(`${row}\u0000${column}`)) other += count;
      else out.set(`${row}__${column}`, count);
    }
    if (other > 0) out.set(`${row}__${OTHER}`, other);
  }
}
