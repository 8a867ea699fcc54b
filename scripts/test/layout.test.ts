/**
 * The house rules of the layout (CONTRIBUTING.md, "Find your way"), checked on every tracked
 * source file so that they cannot erode one import at a time.
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

/**
 * scripts/ by audience. Each runnable script is named with its folder, so that a new one is
 * placed on purpose and a script in another audience's folder fails; lib/ is what they share,
 * test/ also holds the tooling's tests, their helpers and vitest configs.
 */
const SCRIPTS = {
  /** Operator tools: a deployed (or the local) SUMMARY and the deploys. */
  ops: [
    "backup.ts",
    "check-deploy.ts",
    "deploy.ts",
    "django-dump.ts",
    "import.ts",
    "restore.ts",
    "verify-import.ts",
    "worker-types.ts",
  ],
  /** The local stack: start it, seed it, fill it. */
  stack: ["demo.ts", "seeded-stack.ts", "start.ts"],
  /** Test commands (`npm run test:*`). */
  test: ["browser.mjs", "load.ts"],
  /** What the docs show: the README's pictures, the page audit's figures. */
  docs: ["lighthouse.ts", "screenshots.ts"],
} as const;
const runnable = new Set(
  Object.entries(SCRIPTS).flatMap(([folder, files]) => files.map((f) => `scripts/${folder}/${f}`)),
);

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

  describe("scripts/ by audience", () => {
    const tracked = execFileSync("git", ["ls-files", "scripts"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((path) => path !== "");

    it("every file is run.mjs or in lib/, test/ or an audience's folder, as listed", () => {
      const misplaced = tracked.filter(
        (path) =>
          path !== "scripts/run.mjs" &&
          !/^scripts\/lib\/[^/]+$/.test(path) &&
          !/^scripts\/test\/[^/]+$/.test(path) &&
          !runnable.has(path),
      );
      expect(misplaced).toEqual([]);
      for (const path of runnable) expect(tracked).toContain(path);
    });

    it("package.json's commands run listed scripts, the test commands those of test/", () => {
      const commands = Object.entries(
        JSON.parse(readFileSync(new URL("package.json", root), "utf8")).scripts as Record<
          string,
          string
        >,
      );
      const run = commands.flatMap(([name, command]) =>
        [...command.matchAll(/\bscripts\/[\w/.-]+\.(?:ts|mjs)\b/g)].map((m) => ({
          name,
          path: m[0],
        })),
      );
      expect(run.length).toBeGreaterThan(10);
      const wrong = run.filter(
        ({ name, path }) =>
          path !== "scripts/run.mjs" &&
          !/\.config\.ts$/.test(path) &&
          (!runnable.has(path) || name.startsWith("test:") !== path.startsWith("scripts/test/")),
      );
      expect(wrong).toEqual([]);
    });

    it("nothing imports a runnable script; lib/ imports nothing from the folders that use it", () => {
      const into = (path: string, spec: string) =>
        spec.startsWith(".")
          ? new URL(spec, new URL(path, root)).pathname.slice(new URL(root).pathname.length)
          : spec;
      const wrong = imports.filter(({ path, spec }) => {
        const target = into(path, spec).replace(/(\.ts)?$/, ".ts");
        const mjs = into(path, spec);
        return (
          runnable.has(target) ||
          runnable.has(mjs) ||
          (path.startsWith("scripts/lib/") &&
            /^scripts\/(ops|stack|test|docs)\//.test(into(path, spec)))
        );
      });
      expect(wrong).toEqual([]);
    });
  });
});
