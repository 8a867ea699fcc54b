import { describe, expect, it } from "vitest";
import {
  compareVersions,
  components,
  exactVersionGroups,
  exactVersions,
  versionKeys,
  xyOf,
} from "../model";
import { page } from "./fixtures";

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
});
