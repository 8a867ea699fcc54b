import { describe, expect, it } from "vitest";
import type { Facts } from "../../src/checkin/schema";
import { DAY_MS } from "../../src/config/names";
import { SMALL_CELL_K } from "../../src/config/privacy";
import { capNewRows } from "../../src/store/joint-cap";
import { groupOf } from "../../src/store/layout";
import { publishJoint, suppressedCells } from "../../src/summary/joint";
import type { Point } from "../../src/summary/keys";
import { type SystemRecord, summarizeDay } from "../../src/summary/rule";

const D = Date.UTC(2026, 10, 24);
const config = { persistentMinAgeDays: 1, publishedComponents: new Set(["core", "file", "rpm"]) };

/** `n` persistent installations with these facts (seen two days before D, checked in on D). */
function many(
  n: number,
  components: Record<string, string>,
  postgresqlVersion: number | null,
  firstSeen = D - 2 * DAY_MS,
): SystemRecord[] {
  const facts: Facts = {
    components: Object.entries(components).map(([name, version]) => ({ name, version })),
    onlineWorkers: null,
    onlineContentApps: null,
    postgresqlVersion,
    rbacStats: null,
  };
  return Array.from({ length: n }, () => ({ firstSeen, lastCheckIn: D + 3_600_000, facts }));
}

const jointOnly = (points: Map<string, number>) =>
  Object.fromEntries(
    [...points]
      .filter(([key]) => /^(core_postgresql|plugin_core|installed|together)__/.test(key))
      .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );

describe("the policy constant", () => {
  it("is 5, the rule these hand-computed tests are written for", () => {
    expect(SMALL_CELL_K).toBe(5);
  });
});

describe("joint counts of a small population", () => {
  // 23 persistent installations, one that is not persistent, and an unpublished plugin.
  const systems = [
    ...many(6, { core: "3.49.1", rpm: "3.28.0", file: "1.16.0" }, 150004),
    ...many(5, { core: "3.49.0", rpm: "3.28.1", inhouse: "1.0.0" }, 140002),
    ...many(2, { core: "3.49.1" }, 130001),
    ...many(7, { core: "3.80.0", rpm: "3.30.0" }, 160000),
    ...many(1, { core: "3.80.0", rpm: "3.30.0" }, null),
    ...many(1, { core: "3.80.0", rpm: "3.30.0" }, 150000),
    ...many(1, { core: "3.80.0", rpm: "3.28.0" }, 160001),
    ...many(1, { core: "3.49.1", rpm: "3.28.0" }, 150004, D + 60_000),
  ];
  const points = summarizeDay(D, systems, config).points;

  it("publishes the cells, remainders, components and pairs computed by hand", () => {
    // core × PostgreSQL, raw: 3.49 → {15: 6, 14: 5, 13: 2}; 3.80 → {16: 8, unknown: 1, 15: 1}.
    // Under K: 3.49×13 (2), 3.80×unknown (1), 3.80×15 (1). Row 3.49 then holds one hidden cell,
    // so its smallest other, 3.49×14 (5), goes too; column 15 (its total is postgresql__15) holds
    // one, 3.80×15, so 3.49×15 (6) goes too. Columns 13, 14 and unknown hold one cell each and
    // have nothing to pair it with. Row 3.49's remainder is then the whole row, 13.
    // plugin_core__rpm, raw: 3.28 → {3.49: 11, 3.80: 1}; 3.30 → {3.80: 9}. Row 3.28 holds one
    // hidden cell, so its 11 goes too: other = 12.
    expect(jointOnly(points)).toEqual({
      "core_postgresql__3.49__other": 13,
      "core_postgresql__3.80__16": 8,
      "core_postgresql__3.80__other": 2,
      installed__core: 23,
      installed__file: 6,
      installed__rpm: 21,
      "plugin_core__file__1.16__3.49": 6,
      "plugin_core__rpm__3.28__other": 12,
      "plugin_core__rpm__3.30__3.80": 9,
      together__core__file: 6,
      together__core__rpm: 21,
      together__file__rpm: 6,
    });
  });

  it("keeps every row exact: its published cells and remainder add up to its x.y", () => {
    expect(points.get("versions__core__3.49")).toBe(13);
    expect(points.get("versions__core__3.80")).toBe(10);
    expect(points.get("versions__rpm__3.28")).toBe(12);
    expect(points.get("versions__rpm__3.30")).toBe(9);
    expect(points.get("systems__persistent")).toBe(23);
  });

  it("puts each family in one group (plugin × core one per plugin)", () => {
    expect(groupOf("core_postgresql__3.49__15")).toBe("core_postgresql");
    expect(groupOf("plugin_core__rpm__3.28__3.49")).toBe("plugin_core__rpm");
    expect(groupOf("installed__rpm")).toBe("installed");
    expect(groupOf("together__core__rpm")).toBe("together");
  });
});

/** A table as `publishJoint` takes it: row x.y → column → count, as raw core × PostgreSQL cells. */
function raw(table: Record<string, Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [row, cells] of Object.entries(table)) {
    for (const [column, n] of Object.entries(cells))
      out.set(`core_postgresql__${row}__${column}`, n);
  }
  return out;
}

/**
 * Every table of non-negative whole numbers a reader could reconstruct from what is published:
 * each row's unpublished cells add up to its remainder, and each column adds up to its public
 * total. The reader does not know which unpublished cells are zero, so every cell of a known row
 * and column without a point is an unknown. Returns each unknown cell's possible values.
 */
function possibleValues(
  table: Record<string, Record<string, number>>,
  published: Map<string, number>,
): Map<string, Set<number>> {
  const rows = Object.keys(table);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(table[r] ?? {})))];
  const columnTotal = new Map(
    columns.map((c) => [c, rows.reduce((s, r) => s + (table[r]?.[c] ?? 0), 0)]),
  );
  const unknowns: Array<[string, string]> = [];
  const rowLeft = new Map<string, number>();
  const columnLeft = new Map(columnTotal);
  for (const r of rows) {
    rowLeft.set(r, published.get(`core_postgresql__${r}__other`) ?? 0);
    for (const c of columns) {
      const value = published.get(`core_postgresql__${r}__${c}`);
      if (value === undefined) unknowns.push([r, c]);
      else columnLeft.set(c, (columnLeft.get(c) ?? 0) - value);
    }
  }
  const seen = new Map(unknowns.map(([r, c]) => [`${r}/${c}`, new Set<number>()]));
  const chosen: number[] = [];
  const walk = (i: number) => {
    if (i === unknowns.length) {
      if ([...rowLeft.values(), ...columnLeft.values()].every((v) => v === 0)) {
        unknowns.forEach(([r, c], j) => {
          seen.get(`${r}/${c}`)?.add(chosen[j] as number);
        });
      }
      return;
    }
    const [r, c] = unknowns[i] as [string, string];
    const most = Math.min(rowLeft.get(r) ?? 0, columnLeft.get(c) ?? 0);
    for (let v = 0; v <= most; v++) {
      rowLeft.set(r, (rowLeft.get(r) ?? 0) - v);
      columnLeft.set(c, (columnLeft.get(c) ?? 0) - v);
      chosen[i] = v;
      walk(i + 1);
      rowLeft.set(r, (rowLeft.get(r) ?? 0) + v);
      columnLeft.set(c, (columnLeft.get(c) ?? 0) + v);
    }
  };
  walk(0);
  return seen;
}

describe("the small-cell rule", () => {
  const cases: Array<[string, Record<string, Record<string, number>>]> = [
    [
      "one small cell in a row",
      { "3.49": { "14": 7, "15": 9, "16": 2 }, "3.50": { "15": 8, "16": 6 } },
    ],
    [
      "two small cells in a row",
      { "3.49": { "13": 1, "14": 3, "15": 9 }, "3.50": { "15": 8, "14": 6 } },
    ],
    [
      "the population of the first test",
      { "3.49": { "15": 6, "14": 5, "13": 2 }, "3.80": { "16": 8, unknown: 1, "15": 1 } },
    ],
    [
      "a small cell alone in its column",
      { "3.49": { "12": 3, "15": 9, "16": 7 }, "3.50": { "15": 8, "16": 6 } },
    ],
  ];

  it.each(cases)("%s: rows exact, no cell under K published", (_name, table) => {
    const published = publishJoint(raw(table), 5);
    for (const [row, cells] of Object.entries(table)) {
      const total = Object.values(cells).reduce((a, b) => a + b, 0);
      let sum = published.get(`core_postgresql__${row}__other`) ?? 0;
      for (const column of Object.keys(cells)) {
        const value = published.get(`core_postgresql__${row}__${column}`);
        if (value !== undefined) {
          expect(value).toBeGreaterThanOrEqual(5);
          sum += value;
        }
      }
      expect(sum).toBe(total);
    }
  });

  it.each(cases)("%s: no small cell can be recovered from rows and column totals", (_n, table) => {
    const published = publishJoint(raw(table), 5);
    const possible = possibleValues(table, published);
    for (const [row, cells] of Object.entries(table)) {
      for (const [column, n] of Object.entries(cells)) {
        if (n >= 5) continue;
        // The true value is among the possible ones, and it is not the only one.
        const values = possible.get(`${row}/${column}`);
        expect(values?.has(n)).toBe(true);
        expect(values?.size).toBeGreaterThan(1);
      }
    }
  });

  it("hides the smallest other cell of a row with one small cell", () => {
    const table = new Map([
      [
        "r",
        new Map([
          ["a", 7],
          ["b", 9],
          ["c", 2],
        ]),
      ],
    ]);
    expect(suppressedCells(table, 5, false)).toEqual(new Set(["r\u0000c", "r\u0000a"]));
  });

  it("publishes a remainder of one cell only when it is the whole row", () => {
    const table = new Map([["r", new Map([["a", 3]])]]);
    expect(suppressedCells(table, 5, false)).toEqual(new Set(["r\u0000a"]));
    expect(publishJoint(new Map([["plugin_core__rpm__3.28__3.49", 3]]), 5)).toEqual(
      new Map([["plugin_core__rpm__3.28__other", 3]]),
    );
  });

  it("hides a column's partner only where column totals are public", () => {
    // Column 15 holds one small cell (3.50×15); its other cell is 3.49×15.
    const table = new Map([
      [
        "3.49",
        new Map([
          ["15", 9],
          ["16", 7],
          ["14", 6],
        ]),
      ],
      [
        "3.50",
        new Map([
          ["15", 2],
          ["16", 8],
          ["14", 1],
        ]),
      ],
    ]);
    expect(suppressedCells(table, 5, false)).toEqual(new Set(["3.50\u000015", "3.50\u000014"]));
    expect(suppressedCells(table, 5, true)).toEqual(
      new Set(["3.50\u000015", "3.50\u000014", "3.49\u000014", "3.49\u000015"]),
    );
  });

  it("leaves pairs under K out, without remainder, and counts components as they are", () => {
    const published = publishJoint(
      new Map([
        ["together__core__rpm", 5],
        ["together__core__ostree", 4],
        ["installed__ostree", 4],
      ]),
      5,
    );
    expect(published).toEqual(
      new Map([
        ["together__core__rpm", 5],
        ["installed__ostree", 4],
      ]),
    );
  });
});

describe("the new-series cap of joint groups, by row", () => {
  const day = D;
  const before: Point[] = [[D - DAY_MS, 10]];
  const series = new Map<string, Point[]>([
    ["plugin_core__rpm__3.28__3.49", before],
    ["plugin_core__rpm__3.28__other", before],
  ]);

  it("admits every new cell of a known row: a new core x.y is a new column", () => {
    const points = new Map([
      ["plugin_core__rpm__3.28__3.49", 10],
      ["plugin_core__rpm__3.28__3.80", 6],
      ["plugin_core__rpm__3.28__other", 4],
    ]);
    expect(capNewRows(points, day, series, new Set(), 0)).toEqual({ points, dropped: [] });
  });

  it("admits at most `max` new rows, whole, the largest first", () => {
    const points = new Map([
      ["plugin_core__rpm__3.28__3.49", 10],
      ["plugin_core__rpm__3.30__3.49", 30],
      ["plugin_core__rpm__999.0__other", 1],
      ["plugin_core__rpm__998.0__3.49", 5],
      ["plugin_core__rpm__998.0__other", 4],
    ]);
    const capped = capNewRows(points, day, series, new Set(), 2);
    expect(capped.dropped).toEqual(["plugin_core__rpm__999.0__other"]);
    expect([...capped.points.keys()]).toEqual([
      "plugin_core__rpm__3.28__3.49",
      "plugin_core__rpm__3.30__3.49",
      "plugin_core__rpm__998.0__3.49",
      "plugin_core__rpm__998.0__other",
    ]);
  });

  it("knows a row from last year's keys, and caps a group new that day too", () => {
    const points = new Map([
      ["core_postgresql__3.80__16", 8],
      ["core_postgresql__3.81__16", 8],
    ]);
    expect(capNewRows(points, day, new Map(), new Set(), 1).dropped).toEqual([
      "core_postgresql__3.81__16",
    ]);
    expect(
      capNewRows(points, day, new Map(), new Set(["core_postgresql__3.80__15"]), 0).dropped,
    ).toEqual(["core_postgresql__3.81__16"]);
  });
});
