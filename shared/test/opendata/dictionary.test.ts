import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dictionary,
  FAMILIES,
  familiesOfKeys,
  familyOf,
  firstYearChunks,
  keyParts,
} from "../../src/opendata/dictionary";
import { serializeChunk } from "../../src/store/codec";
import { chunkKey } from "../../src/store/layout";
import type { Point } from "../../src/summary/keys";
import {
  ageKey,
  postgresqlKey,
  processKey,
  rbacKey,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  versionsKey,
  versionsXyzKey,
} from "../../src/summary/keys";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** One key of every shape the summary rule writes, built by its own key functions. */
const REAL_KEYS: Record<string, string> = {
  [SYSTEMS_TOTAL]: "systems_total",
  [SYSTEMS_PERSISTENT]: "systems_persistent",
  [versionsKey("core", "3.49")]: "versions",
  [versionsXyzKey("core", "3.49.1")]: "versions_xyz",
  [versionsKey("pulp_container", "unknown")]: "versions",
  [postgresqlKey("9.6")]: "postgresql",
  [processKey("online_workers", "hosts", "p90")]: "online_workers",
  [processKey("online_content_apps", "processes", "mean")]: "online_content_apps",
  [ageKey("5-8")]: "age",
  [rbacKey("custom_access_policies", "3-4")]: "rbac",
  "upgrades__core__3.9__3.10": "upgrades",
  on_release__rpm__1_2y: "on_release",
  "on_release_median__core__3.49": "on_release_median",
  left_behind__12m: "left_behind",
  "left_behind_on__6_12m__3.21": "left_behind_on",
};

describe("the data dictionary", () => {
  it("gives every key the summary rule writes its family, and nothing else one", () => {
    for (const [key, id] of Object.entries(REAL_KEYS)) expect(familyOf(key)?.id, key).toBe(id);
    expect(familiesOfKeys([...Object.keys(REAL_KEYS), "systems__other", "zzz__1"])).toEqual(
      REAL_KEYS,
    );
    expect(new Set(FAMILIES.map((f) => f.id)).size).toBe(FAMILIES.length);
  });

  it("splits a key into its placeholders", () => {
    const versions = familyOf("versions__core__3.49");
    expect(versions && keyParts(versions, "versions__core__3.49")).toEqual(["core", "3.49"]);
    expect(versions && keyParts(versions, "versions__core")).toBeNull();
    const total = familyOf(SYSTEMS_TOTAL);
    expect(total && keyParts(total, SYSTEMS_TOTAL)).toEqual([]);
    const age = familyOf("age__0");
    expect(age && keyParts(age, "age__")).toBeNull();
  });

  it("finds each family's first day in the chunks of its earliest year only", () => {
    const chunk = (year: number, series: Record<string, Point[]>) =>
      serializeChunk(year, new Map(Object.entries(series))) as string;
    const keysByYear = new Map([
      [2025, [SYSTEMS_TOTAL, "versions__core__3.40", "versions__rpm__3.20"]],
      [2024, [SYSTEMS_TOTAL, "versions__rpm__3.19"]],
      [2026, [SYSTEMS_TOTAL, "versions__core__3.49", "rbac__users__0"]],
    ]);
    const names = firstYearChunks(keysByYear);
    expect(names).toEqual(
      [
        chunkKey("rbac__users", 2026),
        chunkKey("systems", 2024),
        // versions' earliest year is 2024 (rpm): core's 2025 chunk is not needed.
        chunkKey("versions__rpm", 2024),
      ].sort(),
    );
    const result = dictionary([
      chunk(2024, { [SYSTEMS_TOTAL]: [[day("2024-03-02"), 4]] }),
      chunk(2024, { "versions__rpm__3.19": [[day("2024-05-01"), 1]] }),
      chunk(2026, { rbac__users__0: [[day("2026-02-01"), 7]] }),
    ]);
    const firstDay = Object.fromEntries(result.families.map((f) => [f.id, f.firstDay]));
    expect(firstDay).toMatchObject({
      systems_total: "2024-03-02",
      versions: "2024-05-01",
      rbac: "2026-02-01",
      postgresql: null,
    });
    const versions = result.families.find((f) => f.id === "versions");
    expect(versions).toMatchObject({ metric: "pulp_analytics_versions", population: "persistent" });
    expect(result.families.find((f) => f.id === "versions_xyz")?.metric).toBeNull();
  });

  it("says since when a movement family is counted: its first day in SUMMARY", () => {
    const chunk = (year: number, series: Record<string, Point[]>) =>
      serializeChunk(year, new Map(Object.entries(series))) as string;
    const result = dictionary([
      chunk(2026, { left_behind__6m: [[day("2026-09-01"), 4]] }),
      chunk(2026, { on_release__core__under_30d: [[day("2026-03-02"), 9]] }),
    ]);
    const counts = (id: string) => result.families.find((f) => f.id === id)?.counts ?? "";
    expect(counts("left_behind")).toContain(
      "counted since 2026-09-01, the first day this service recorded movement; the Django history has none",
    );
    expect(counts("on_release")).toContain("counted since 2026-03-02,");
    // None yet: counted from the first day, whenever that will be.
    expect(counts("upgrades")).toContain(
      "counted from the first day this service recorded movement",
    );
    expect(counts("upgrades")).not.toContain("counted since");
  });

  it("is listed in docs/contract.md, family by family", () => {
    const contract = readFileSync(new URL("../../../docs/contract.md", import.meta.url), "utf8");
    const start = contract.indexOf("### Data dictionary");
    const section = contract.slice(start, contract.indexOf("\n### ", start + 1));
    const rows = section
      .split("\n")
      .filter((line) => /^\| `[a-z_]+` /.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim().replaceAll("`", "")));
    expect(rows.map((cells) => cells.slice(1, 6))).toEqual(
      FAMILIES.map((f) => [f.id, f.pattern, f.population, f.field, f.since]),
    );
  });
});
