/**
 * The house rules of the layout (README, "Layout"; docs/architecture.md's module map), checked
 * on every tracked source file so that they cannot erode one import at a time.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const sources = execFileSync("git", ["ls-files", "*.ts", "*.mjs"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((path) => path !== "" && !path.includes("/gen/"));

/** Every module specifier a file imports or re-exports, with the file. */
const imports = sources.flatMap((path) => {
  const text = readFileSync(new URL(path, root), "utf8");
  const found = text.matchAll(
    /(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g,
  );
  return [...found].map((m) => ({ path, spec: (m[1] ?? m[2]) as string }));
});

const faces = Object.keys(
  JSON.parse(readFileSync(new URL("shared/package.json", root), "utf8")).exports as object,
).map((face) => `@pulp-analytics/shared${face.slice(1)}`);

describe("the layout's rules", () => {
  it("finds the files it checks", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(imports.some(({ spec }) => spec === "@pulp-analytics/shared/store")).toBe(true);
  });

  it("outside shared/, the shared package is imported by its faces only", () => {
    const outside = imports.filter(({ path }) => !path.startsWith("shared/"));
    const deep = outside.filter(
      ({ spec }) =>
        /(^|\/)shared\/src\//.test(spec) ||
        (spec.startsWith("@pulp-analytics/shared") && !faces.includes(spec)),
    );
    expect(deep).toEqual([]);
  });

  it("nothing imports bench/", () => {
    const intoBench = imports.filter(
      ({ path, spec }) =>
        spec.startsWith(".") &&
        new URL(spec, new URL(path, root)).pathname.startsWith(new URL("bench/", root).pathname) &&
        !path.startsWith("bench/"),
    );
    expect(intoBench).toEqual([]);
  });

  it("no worker's code imports the test doubles", () => {
    const testing = imports.filter(
      ({ path, spec }) =>
        /^workers\/[^/]+\/(src|page)\/(?!test\/)/.test(path) &&
        spec === "@pulp-analytics/shared/testing",
    );
    expect(testing).toEqual([]);
  });

  it("the site worker imports no browser code (workers/site/page)", () => {
    const page = new URL("workers/site/page/", root).pathname;
    const intoPage = imports.filter(
      ({ path, spec }) =>
        path.startsWith("workers/site/src/") &&
        spec.startsWith(".") &&
        new URL(spec, new URL(path, root)).pathname.startsWith(page),
    );
    expect(intoPage).toEqual([]);
  });
});
