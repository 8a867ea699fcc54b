import { describe, expect, it } from "vitest";
import {
  compareVersions,
  components,
  EXACT_MINOR_SHARE,
  exactTable,
  exactVersionGroups,
  exactVersions,
  versionKeys,
  xyOf,
} from "../model";
import { D3, page, pageOf } from "./fixtures";

describe("versions", () => {
  it("orders components core first, then by installations", () => {
    expect(components(page)).toEqual(["core", "file", "rpm"]);
    expect(versionKeys(page, "core")).toEqual(["versions__core__3.9", "versions__core__3.10"]);
  });

  it("lists exact versions of the latest day, newest first, grouped by x.y", () => {
    expect(exactVersions(page, "core").map((r) => [r.version, r.installations, r.share])).toEqual([
      ["3.10.11", 1, 33.3],
      ["3.10.0", 1, 33.3],
      ["3.9.2", 1, 33.3],
    ]);
    const groups = exactVersionGroups(page, "core");
    expect(groups.map((g) => [g.xy, g.installations, g.share])).toEqual([
      ["3.10", 2, 66.7],
      ["3.9", 1, 33.3],
    ]);
    expect(groups[0]?.versions.map((v) => v.version)).toEqual(["3.10.11", "3.10.0"]);
    expect(exactVersions(page, "file")).toEqual([]);
    expect(exactVersionGroups(page, "file")).toEqual([]);
    expect(xyOf("3.49.0.dev")).toBe("3.49");
    expect(xyOf("7")).toBe("7");
  });

  it("compares versions naturally", () => {
    expect(["3.10", "3.9", "10.0", "3.9.1"].sort(compareVersions)).toEqual([
      "3.9",
      "3.9.1",
      "3.10",
      "10.0",
    ]);
  });

  it("folds the exact versions: the x.y of 1 % or more first, the rest added up", async () => {
    // 1,000 installations: 3.50 has 900 (90 %), 3.49 85 (8.5 %), 3.10 6 (0.6 %), 3.9 9 (0.9 %).
    const xyz: Array<[string, number]> = [
      ["3.50.1", 600],
      ["3.50.0", 300],
      ["3.49.0", 85],
      ["3.10.2", 6],
      ["3.9.1", 5],
      ["3.9.0", 4],
    ];
    const p = await pageOf([
      ["systems__total", [[D3, 1000]]],
      ...xyz.map(([version, n]): [string, Array<[number, number]>] => [
        `versions_xyz__core__${version}`,
        [[D3, n]],
      ]),
    ]);
    expect(EXACT_MINOR_SHARE).toBe(1);
    const table = exactTable(p, "core");
    expect(table.versions).toBe(6);
    expect(table.groups.map((g) => g.xy)).toEqual(["3.50", "3.49", "3.10", "3.9"]);
    expect(table.shown.map((g) => [g.xy, g.installations, g.share])).toEqual([
      ["3.50", 900, 90],
      ["3.49", 85, 8.5],
    ]);
    // 6 + 9 installations; 0.6 + 0.9 %, the shares listed in the fold.
    expect(table.tail?.groups.map((g) => g.xy)).toEqual(["3.10", "3.9"]);
    expect(table.tail?.installations).toBe(15);
    expect(table.tail?.share).toBe(1.5);
    // Every x.y at 1 % or more: all of them shown, no tail.
    const all = exactTable(page, "core");
    expect(all.versions).toBe(3);
    expect(all.shown.map((g) => g.xy)).toEqual(["3.10", "3.9"]);
    expect(all.tail).toBeNull();
    expect(exactTable(page, "file")).toEqual({ groups: [], versions: 0, shown: [], tail: null });
  });
});
