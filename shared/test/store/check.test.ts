import { describe, expect, it } from "vitest";
import { applyDays, type DayPoints } from "../../src/store/apply";
import { summaryProblems } from "../../src/store/check";
import { writePhase } from "../../src/store/layout";
import { parseSummaryConfig } from "../../src/summary/rule";
import { memoryKV } from "../../src/testing/memory-kv";

/** The namespace's live rules: Pulp's allowlist, dev's versions. */
const RULES = {
  publishedComponents: parseSummaryConfig({}).publishedComponents,
  releasesOnly: false,
};

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D = (iso: string, points: Record<string, number>): DayPoints => ({
  day: day(iso),
  points: new Map(Object.entries(points)),
});

/** A SUMMARY as the store writes it: two years, an exact-versions group, a page. */
async function genuine(): Promise<Map<string, string>> {
  const kv = memoryKV();
  await applyDays(
    kv,
    [
      D("2025-12-31", {
        systems__total: 4,
        "versions__core__3.70": 4,
        "versions_xyz__core__3.70.1": 4,
      }),
      D("2026-01-01", {
        systems__total: 5,
        "versions__core__3.70": 5,
        "versions_xyz__core__3.70.1": 5,
      }),
    ],
    { now: day("2026-01-02") + 5 },
  );
  return new Map(kv.data);
}

describe("a SUMMARY as the store writes it", () => {
  it("has no problems", async () => {
    const entries = await genuine();
    expect([...entries.keys()].sort()).toEqual([
      "_page",
      "c:systems:2025",
      "c:systems:2026",
      "c:versions__core:2025",
      "c:versions__core:2026",
      "c:versions_xyz__core:2025",
      "c:versions_xyz__core:2026",
      "h:2025",
      "h:2026",
      "k:2025",
      "k:2026",
    ]);
    expect(await summaryProblems(entries, RULES)).toEqual([]);
  });

  it("refuses keys outside the layout and a journal, naming each", async () => {
    const entries = await genuine();
    entries.set("evil-key-outside-layout", "x");
    entries.set("../../escape", "x");
    entries.set("_journal", JSON.stringify({ v: 1, days: [] }));
    entries.set("c:systems:26", "x");
    const problems = await summaryProblems(entries, RULES);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^evil-key-outside-layout: not a key of SUMMARY's layout/);
    expect(problems[1]).toMatch(/^\.\.\/\.\.\/escape: not a key/);
    expect(problems[2]).toMatch(/^_journal: a run's unfinished writes/);
    expect(problems[3]).toMatch(/^c:systems:26: not a key/);
  });

  it("refuses values the store would not write", async () => {
    const cases: [string, (text: string) => string, RegExp][] = [
      ["c:systems:2026", (t) => t.replace("}}", '},"x":1}'), /not a year of series/],
      ["c:systems:2026", (t) => ` ${t}`, /not a year of series/],
      ["c:systems:2026", (t) => t.replace('"year":2026', '"year":2025'), /not a year of series/],
      [
        "c:systems:2026",
        (t) => t.replace("systems__total", "versions__core__3.71"),
        /not of group systems/,
      ],
      [
        "h:2026",
        (t) => t.replace("}}", ',"versions_xyz__core__3.70.1":[0,5]}}'),
        /exact versions and joint series/,
      ],
      ["k:2026", (t) => t.replace("]", ',"not a key!"]'), /not a year's key list/],
      ["c:versions__core:2026", () => "[0,999]", /not a year of series/],
    ];
    for (const [key, edit, message] of cases) {
      const entries = await genuine();
      const edited = edit(entries.get(key) as string);
      expect(edited).not.toBe(entries.get(key));
      entries.set(key, edited);
      const problems = await summaryProblems(entries, RULES);
      expect(problems, `${key}: ${edited}`).toHaveLength(1);
      expect(problems[0]).toMatch(message);
    }
  });

  it("refuses series the live rules refuse, consistent or not, naming the key", async () => {
    // What the store writes faithfully for a component off the allowlist and a local version,
    // the page built from it included: only the live rules tell it from a SUMMARY.
    const kv = memoryKV();
    await applyDays(
      kv,
      [
        D("2026-01-01", {
          systems__total: 5,
          "versions__inhouse__1.0": 5,
          "versions_xyz__core__3.70.1+acmecorp": 5,
          installed__inhouse: 5,
        }),
      ],
      { now: day("2026-01-02") },
    );
    const problems = await summaryProblems(new Map(kv.data), RULES);
    expect(problems).toEqual(
      expect.arrayContaining([
        'c:versions__inhouse:2026: holds "versions__inhouse__1.0": component "inhouse" is not on the published list',
        'c:versions_xyz__core:2026: holds "versions_xyz__core__3.70.1+acmecorp": version "3.70.1+acmecorp" is not canonical (ingest refuses it)',
        'c:installed:2026: holds "installed__inhouse": component "inhouse" is not on the published list',
      ]),
    );
    expect(problems.some((p) => p.startsWith("k:2026: holds"))).toBe(true);
    expect(problems.some((p) => p.startsWith("h:2026: holds"))).toBe(true);
    // The genuine SUMMARY passes on dev, and on production only if its versions are releases.
    expect(await summaryProblems(await genuine(), { ...RULES, releasesOnly: true })).toEqual([]);
    expect(
      await summaryProblems(await genuine(), {
        publishedComponents: new Set(),
        releasesOnly: false,
      }),
    ).toContain(
      'c:versions__core:2026: holds "versions__core__3.70": component "core" is not on the published list',
    );
  });

  it("refuses a page that is not the page of its chunks", async () => {
    const entries = await genuine();
    const page = JSON.parse(entries.get("_page") as string);
    entries.set(
      "_page",
      JSON.stringify({ ...page, latestXyz: { "versions_xyz__core__3.70.1": 5000 } }),
    );
    expect(await summaryProblems(entries, RULES)).toEqual([
      "_page: not the page of these chunks (the store rebuilds it from them)",
    ]);
    entries.set("_page", "<html>");
    expect(await summaryProblems(entries, RULES)).toEqual(["_page: not the page the store writes"]);
    // A chunk changed under an intact page: the page no longer matches it.
    const fresh = await genuine();
    fresh.set("c:systems:2026", (fresh.get("c:systems:2026") as string).replace(/5\]/, "6]"));
    expect(await summaryProblems(fresh, RULES)).toEqual([
      "_page: not the page of these chunks (the store rebuilds it from them)",
    ]);
  });
});

describe("the write phases of a writer without a journal", () => {
  it("put series chunks, then system counts, then views, then the page", () => {
    expect(
      ["_page", "k:2026", "c:systems:2026", "h:2026", "c:age:2026", "c:versions__core:2025"].sort(
        (a, b) => writePhase(a) - writePhase(b),
      ),
    ).toEqual([
      "c:age:2026",
      "c:versions__core:2025",
      "c:systems:2026",
      "k:2026",
      "h:2026",
      "_page",
    ]);
  });
});
