/**
 * The mapping of docs/migration.md, against hand-written dumps (fixtures/import/) and the
 * series they must produce, computed by hand from the rows.
 */
import { readFileSync } from "node:fs";
import { DJANGO_EXPECTED, importDump } from "@pulp-analytics/fixtures/import";
import { describe, expect, it } from "vitest";
import {
  DumpImport,
  detectDumpFormat,
  MAX_IMPORT_COUNT,
  MAX_IMPORT_SERIES,
} from "../../src/migration/import";
import type { DayPoints } from "../../src/store/apply";
import { DEFAULT_PUBLISHED_COMPONENTS, parseSummaryConfig } from "../../src/summary/rule";

const fixture = (name: "django-dump.json" | "worker-2022.json") =>
  readFileSync(importDump(name), "utf8");

const published = parseSummaryConfig({}).publishedComponents;

/** Every day of every year, as `{YYYY-MM-DD: {key: value}}` for readable expectations. */
function drain(importer: DumpImport): Record<string, Record<string, number>> {
  const days: DayPoints[] = importer.years().flatMap((year) => importer.takeYear(year));
  return Object.fromEntries(
    days.map((d) => [
      new Date(d.day).toISOString().slice(0, 10),
      Object.fromEntries([...d.points].sort(([a], [b]) => (a < b ? -1 : 1))),
    ]),
  );
}

function importDjango(records: unknown[]): DumpImport {
  const importer = new DumpImport({ publishedComponents: published });
  for (const record of records) importer.addDjangoRecord(record);
  return importer;
}

describe("detectDumpFormat", () => {
  it.each([
    ["[\n{", "django"],
    ['  \n {"systems__total"', "worker"],
    ["\uFEFF[]", "django"],
    ["<html>", null],
    ["", null],
  ])("%j is %s", (head, format) => {
    expect(detectDumpFormat(head)).toBe(format);
  });
});

describe("a Django dumpdata", () => {
  const records: unknown[] = JSON.parse(fixture("django-dump.json"));

  it("becomes exactly the series the migration note says, day by day", () => {
    // 2024-03-03 has a dailysummary row and no other: a day without systems has no point.
    // 2024-03-05 has rows but no dailysummary row: Django never published it.
    expect(drain(importDjango(records))).toEqual(DJANGO_EXPECTED);
  });

  it("does not depend on the order of the rows", () => {
    expect(drain(importDjango([...records].reverse()))).toEqual(DJANGO_EXPECTED);
  });

  it("counts what it used and what it left out", () => {
    const importer = importDjango(records);
    drain(importer);
    expect(importer.tally).toEqual({
      records: 51,
      used: {
        "pulpanalytics.dailysummary": 5,
        "pulpanalytics.deploymentstats": 3,
        "pulpanalytics.agecount": 10,
        "pulpanalytics.xyversioncount": 7,
        "pulpanalytics.xyzversioncount": 7,
        "pulpanalytics.postgresversioncount": 7,
        "pulpanalytics.numbercount": 8,
      },
      ignoredModels: new Map([
        ["pulpanalytics.system", 1],
        ["auth.user", 1],
      ]),
      // acme_internal at x.y and x.y.z.
      offAllowlist: 2,
      notOurs: 0,
      unsummarized: 2,
      malformed: 0,
      problems: [],
    });
  });

  it("publishes only the allowlist it is given", () => {
    const importer = new DumpImport({
      publishedComponents: parseSummaryConfig({ publishedComponents: "rpm" }).publishedComponents,
    });
    for (const record of records) importer.addDjangoRecord(record);
    const versionKeys = Object.values(drain(importer)).flatMap((points) =>
      Object.keys(points).filter((key) => key.startsWith("versions")),
    );
    expect(versionKeys.sort()).toEqual(["versions__rpm__3.25", "versions_xyz__rpm__3.25.1"]);
  });

  it("hands back one year at a time and forgets it", () => {
    const importer = importDjango(records);
    expect(importer.years()).toEqual([2023, 2024]);
    expect(importer.takeYear(2024).map((d) => d.day)).toEqual([
      Date.UTC(2024, 2, 1),
      Date.UTC(2024, 2, 2),
      Date.UTC(2024, 2, 4),
    ]);
    expect(importer.takeYear(2024)).toEqual([]);
    expect(importer.years()).toEqual([2023]);
  });

  it("sums many rows of one day into one point, however many", () => {
    const rows = Array.from({ length: 5000 }, (_, age) => ({
      model: "pulpanalytics.agecount",
      pk: age,
      fields: { summary: "2024-01-01", age, count: 1 },
    }));
    const points = drain(
      importDjango([
        { model: "pulpanalytics.dailysummary", pk: "2024-01-01", fields: {} },
        ...rows,
      ]),
    )["2024-01-01"];
    expect(points?.systems__total).toBe(5000);
    expect(points?.systems__persistent).toBe(4999);
    expect(points?.["age__4097-8192"]).toBe(5000 - 4097);
  });

  it("reports records that are not what their model holds, and reads the rest", () => {
    const importer = importDjango([
      { model: "pulpanalytics.dailysummary", pk: "2024-01-01", fields: {} },
      { model: "pulpanalytics.dailysummary", pk: "2024-02-30", fields: {} },
      {
        model: "pulpanalytics.agecount",
        pk: 1,
        fields: { summary: "2024-01-01", age: 1, count: "3" },
      },
      {
        model: "pulpanalytics.agecount",
        pk: 2,
        fields: { summary: "2024-01-01", age: 2, count: 3 },
      },
      {
        model: "pulpanalytics.numbercount",
        pk: 3,
        fields: { summary: "2024-01-01", name: "admins", number: 1, count: 1 },
      },
      {
        model: "pulpanalytics.deploymentstats",
        pk: "2024-01-01",
        fields: { online_worker_hosts_avg: "2" },
      },
      "not a record",
    ]);
    expect(drain(importer)).toEqual({
      "2024-01-01": { age__2: 3, systems__persistent: 3, systems__total: 3 },
    });
    expect(importer.tally.malformed).toBe(5);
    expect(importer.tally.problems[0]).toMatch(/^pk is not a YYYY-MM-DD date/);
    expect(importer.tally.problems[1]).toMatch(/^count is not a whole number/);
  });
});

describe("what cannot be a history of Pulp", () => {
  const NOW = Date.UTC(2026, 11, 4, 15);
  const summary = (pk: unknown) => ({ model: "pulpanalytics.dailysummary", pk, fields: {} });
  const age = (pk: number, day: string, count: unknown) => ({
    model: "pulpanalytics.agecount",
    pk,
    fields: { summary: day, age: 3, count },
  });
  const importAt = (records: unknown[]) => {
    const importer = new DumpImport({ publishedComponents: published, now: NOW });
    for (const record of records) importer.addDjangoRecord(record);
    return importer;
  };

  it("refuses versions ingest would refuse, naming the record, and keeps none of them", () => {
    const xyz = (pk: number, name: string, version: string) => ({
      model: "pulpanalytics.xyzversioncount",
      pk,
      fields: { summary: "2024-03-01", name, version, count: 2 },
    });
    const records = [
      summary("2024-03-01"),
      xyz(1, "core", "3.21.0+acmecorp"),
      xyz(2, "core", "03.040.0"),
      xyz(3, "file", "1.0.0 (patched)"),
      {
        model: "pulpanalytics.xyversioncount",
        pk: 4,
        fields: { summary: "2024-03-01", name: "core", version: "3.21+acmecorp", count: 2 },
      },
      xyz(5, "core", "3.22.0.dev"),
      // Off the allowlist: never published, so its version does not matter.
      xyz(6, "acme_internal", "1.0+local"),
    ];
    const importer = importAt(records);
    expect(importer.tally.malformed).toBe(4);
    expect(importer.tally.offAllowlist).toBe(1);
    expect(importer.tally.problems[0]).toMatch(
      /^version "3\.21\.0\+acmecorp" is not canonical \(ingest refuses it\): .*"pk":1/,
    );
    expect(importer.tally.problems[1]).toMatch(/"03\.040\.0" is not canonical.*"pk":2/);
    expect(importer.tally.problems[2]).toMatch(/"pk":3/);
    expect(importer.tally.problems[3]).toMatch(/"3\.21\+acmecorp" is not canonical.*"pk":4/);
    // Dev takes a canonical pre-release; production's ingest does not.
    expect(Object.keys(drain(importer)["2024-03-01"] ?? {})).toEqual([
      "versions_xyz__core__3.22.0.dev",
    ]);
    const production = new DumpImport({
      publishedComponents: published,
      now: NOW,
      releasesOnly: true,
    });
    for (const record of records) production.addDjangoRecord(record);
    expect(production.tally.malformed).toBe(5);
    expect(production.tally.problems[4]).toMatch(
      /"3\.22\.0\.dev" is not a release N\.N\.N.*"pk":5/,
    );
    expect(drain(production)).toEqual({});
  });

  it("refuses a dump naming more series than any history of Pulp, instead of growing", () => {
    const importer = importAt([summary("2024-03-01")]);
    const row = (pk: number) => ({
      model: "pulpanalytics.xyzversioncount",
      pk,
      fields: { summary: "2024-03-01", name: "core", version: `1.${pk}.0`, count: 1 },
    });
    expect(() => {
      for (let pk = 1; pk <= MAX_IMPORT_SERIES + 1; pk++) importer.addDjangoRecord(row(pk));
    }).toThrow(/names more than 100,000 series/);
  });

  it("refuses worker series ingest could not have made, naming the key", () => {
    const importer = new DumpImport({ publishedComponents: published, now: NOW });
    const points = [[Date.UTC(2024, 2, 1), 3]];
    importer.addWorkerSeries("versions_xyz__core__3.21.0+acmecorp", points);
    importer.addWorkerSeries("versions_xyz__core__3.21.0", points);
    expect(importer.tally.malformed).toBe(1);
    expect(importer.tally.problems).toEqual([
      'version "3.21.0+acmecorp" is not canonical (ingest refuses it): {"key":"versions_xyz__core__3.21.0+acmecorp"}',
    ]);
    expect(Object.keys(drain(importer)["2024-03-01"] ?? {})).toEqual([
      "versions_xyz__core__3.21.0",
    ]);
  });

  it("refuses days before 2000 or after tomorrow, naming the range", () => {
    const importer = importAt([
      ...["0000-01-01", "1970-01-01", "1999-12-31", "2026-12-06", "2100-01-01", "9999-12-31"].map(
        summary,
      ),
      summary("2000-01-01"),
      summary("2026-12-05"),
      age(1, "2000-01-01", 1),
      age(2, "2026-12-05", 2),
      age(3, "2100-01-01", 3),
    ]);
    expect(importer.tally.malformed).toBe(7);
    expect(importer.tally.problems[0]).toMatch(
      /^pk "0000-01-01" is not a day from 2000-01-01 to 2026-12-05/,
    );
    expect(importer.tally.problems[6]).toMatch(/^summary "2100-01-01" is not a day from/);
    expect(Object.keys(drain(importer))).toEqual(["2000-01-01", "2026-12-05"]);
  });

  it("refuses counts that are not safe whole numbers within the bound", () => {
    const importer = importAt([
      summary("2024-01-01"),
      age(1, "2024-01-01", 1e300),
      age(2, "2024-01-01", MAX_IMPORT_COUNT + 1),
      age(3, "2024-01-01", -1),
      age(4, "2024-01-01", 2.5),
      age(5, "2024-01-01", MAX_IMPORT_COUNT),
      {
        model: "pulpanalytics.agecount",
        pk: 6,
        fields: { summary: "2024-01-01", age: 2 ** 60, count: 1 },
      },
    ]);
    expect(importer.tally.malformed).toBe(5);
    expect(importer.tally.problems[0]).toMatch(/^count is not a whole number from 0 to 10000000/);
    expect(importer.tally.problems[4]).toMatch(/^age is not a whole number from 0 to 10000000/);
    expect(drain(importer)["2024-01-01"]?.systems__total).toBe(MAX_IMPORT_COUNT);
  });

  it("refuses a second row with a primary key already read, naming it", () => {
    const importer = importAt([
      summary("2024-01-01"),
      summary("2024-01-01"),
      age(7, "2024-01-01", 5),
      age(7, "2024-01-01", 1000),
      { ...age(8, "2024-01-01", 1), model: "pulpanalytics.numbercount" },
    ]);
    expect(importer.tally.malformed).toBe(3);
    expect(importer.tally.problems[0]).toMatch(
      /^a second row of pulpanalytics.dailysummary with pk "2024-01-01"/,
    );
    expect(importer.tally.problems[1]).toMatch(/^a second row of pulpanalytics.agecount with pk 7/);
    // Same pk in another table is another row (the numbercount is malformed for its own reasons).
    expect(importer.tally.problems[2]).toMatch(/^name is not an RBAC measure/);
    expect(drain(importer)["2024-01-01"]?.systems__total).toBe(5);
  });

  it("tallies any model name it does not read, __proto__ included", () => {
    const importer = importAt(
      ["__proto__", "constructor", "__proto__"].map((model) => ({ model, pk: 1, fields: {} })),
    );
    expect(importer.tally.ignoredModels).toEqual(
      new Map([
        ["__proto__", 2],
        ["constructor", 1],
      ]),
    );
    expect(importer.tally.malformed).toBe(0);
  });

  it("refuses worker points outside the days, values beyond the bound, a key twice", () => {
    const importer = new DumpImport({ publishedComponents: published, now: NOW });
    const jan1 = Date.UTC(2024, 0, 1);
    importer.addWorkerSeries("systems__total", [[Date.UTC(2100, 0, 1), 5]]);
    importer.addWorkerSeries("systems__persistent", [[jan1, 1e300]]);
    importer.addWorkerSeries("online_workers__processes__mean", [[jan1, -2]]);
    importer.addWorkerSeries("age__0", [[jan1, 4]]);
    importer.addWorkerSeries("age__0", [[jan1, 400]]);
    expect(importer.tally.malformed).toBe(4);
    expect(importer.tally.problems).toEqual([
      expect.stringMatching(/^a point's day is not from 2000-01-01 to 2026-12-05/),
      expect.stringMatching(/^a point's value is not a whole number from 0 to 10000000/),
      expect.stringMatching(/^a point's value is not a number from 0 to 10000000/),
      expect.stringMatching(/^a second series age__0/),
    ]);
    expect(drain(importer)).toEqual({ "2024-01-01": { age__0: 4 } });
  });
});

describe("a 2022 worker dump", () => {
  const dump: Record<string, unknown> = JSON.parse(fixture("worker-2022.json"));

  it("keeps the keys that are our series, allowlist applied, zero counts dropped", () => {
    const importer = new DumpImport({ publishedComponents: published });
    for (const [key, value] of Object.entries(dump)) importer.addWorkerSeries(key, value);
    expect(drain(importer)).toEqual({
      "2023-01-01": {
        online_workers__processes__max: 6,
        online_workers__processes__mean: 2.5,
        online_workers__processes__min: 1,
        // 01:00 UTC: the point is that day's.
        postgresql__15: 2,
        systems__persistent: 4,
        systems__total: 5,
        "versions_xyz__core__3.21.0": 3,
      },
      "2023-01-02": {
        // A mean of 0 is a real value; the count of 0 for 3.21.0 is no point.
        online_workers__processes__mean: 0,
        systems__persistent: 5,
        systems__total: 6,
        "versions_xyz__core__3.22.1": 4,
      },
    });
    expect(importer.tally).toMatchObject({
      records: 12,
      used: { series: 8 },
      offAllowlist: 1,
      // core__3.21.0 (not our naming), age__3 (not a bucket), _page (bookkeeping).
      notOurs: 3,
      malformed: 0,
    });
  });

  it("reports a value that is not a list of points", () => {
    const importer = new DumpImport({
      publishedComponents: new Set(DEFAULT_PUBLISHED_COMPONENTS),
    });
    importer.addWorkerSeries("systems__total", "[[1672531200000");
    importer.addWorkerSeries("systems__persistent", [[1672531200000, "4"]]);
    importer.addWorkerSeries("age__0", { value: 3 });
    expect(importer.tally.malformed).toBe(3);
    expect(drain(importer)).toEqual({});
  });
});
