/**
 * Every repository path a comment or a doc names exists: a file that moved leaves no pointer to
 * where it was. A path counts when it starts at a top folder of the repository
 * (`shared/src/store/apply.ts`, `docs/contract.md`), or is a file name with its folder or alone
 * (`src/lock.ts`, `rule.ts`); it is found from the repository's root, the naming file's folder or
 * its workspace, or, for a bare name, anywhere in the tree.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/** Named on purpose though not in the tree: written at run time, or not a path at all. */
const NOT_IN_THE_TREE = new Set([
  // The browser test's and `npm run screenshots`' output (git-ignored).
  "workers/site/browser/screenshots",
  "docs/screenshots/page",
  "docs/screenshots/page-",
  // `npm run bench`'s report (git-ignored).
  "bench/results.md",
  // A Cloudflare deployment annotation's name.
  "workers/message",
]);

const TOP = "(?:shared|workers|scripts|docs|fixtures|bench|\\.ci)";
const PATH = new RegExp(
  `(?<![\\w@./*<-])(${TOP}/[\\w./-]*[\\w-]|(?:[\\w-]+/)*[\\w.-]+\\.(?:ts|mjs|md|jsonc))(?![\\w/-])`,
  "g",
);

/** The files whose text is searched: sources, docs and configs, not data or generated code. */
const searched = (file: string) =>
  /\.(ts|mjs|md|jsonc)$/.test(file) &&
  !file.includes("/gen/") &&
  !file.startsWith("fixtures/pulpcore/");

/** The paths `text` (of `file`) names that are in neither the tree nor NOT_IN_THE_TREE. */
function missingPaths(file: string, text: string, tracked: ReadonlySet<string>): string[] {
  const folders = new Set<string>();
  const names = new Set<string>();
  const tails: string[] = [];
  for (const path of tracked) {
    names.add(path.slice(path.lastIndexOf("/") + 1));
    tails.push(`/${path}`);
    for (let cut = path.indexOf("/"); cut > 0; cut = path.indexOf("/", cut + 1)) {
      folders.add(path.slice(0, cut));
    }
  }
  const exists = (path: string) => tracked.has(path) || folders.has(path);
  const workspace = /^(workers\/[^/]+|shared|fixtures)\//.exec(file)?.[1];
  const missing: string[] = [];
  for (const match of text.matchAll(PATH)) {
    const named = (match[1] as string).replace(/\/$/, "");
    if (/^https?:|node_modules|@/.test(named) || NOT_IN_THE_TREE.has(named)) continue;
    // Placeholders (`scripts/X.ts`) and names the reader makes (`-o pulp-analytics.d.ts`).
    if (/\bX\b|\.\.\.$|\.d\.ts$/.test(named)) continue;
    const found =
      exists(named) ||
      exists(normalize(join(dirname(file), named))) ||
      (workspace !== undefined && exists(`${workspace}/${named}`)) ||
      (!named.includes("/") && names.has(named)) ||
      (named.includes("/") &&
        !/^(shared|workers|scripts|docs|fixtures|bench)\//.test(named) &&
        tails.some((tail) => tail.endsWith(`/${named}`)));
    if (!found) missing.push(named);
  }
  return missing;
}

describe("paths named in comments and docs", () => {
  const tracked = new Set(
    execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean),
  );

  it("all exist", () => {
    const missing: string[] = [];
    for (const file of tracked) {
      if (!searched(file)) continue;
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), "utf8");
      } catch {
        continue; // deleted in the work tree, not yet in the index
      }
      for (const path of missingPaths(file, text, tracked)) missing.push(`${file}: ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it("the check fails when a named file is removed", () => {
    const text =
      "see `shared/src/store/apply.ts` and `rule.ts`, and workers/summarizer/src/lock.ts";
    expect(missingPaths("docs/X.md", text, tracked)).toEqual([]);
    const without = new Set([...tracked].filter((f) => !f.endsWith("/apply.ts")));
    expect(missingPaths("docs/X.md", text, without)).toEqual(["shared/src/store/apply.ts"]);
    const noRule = new Set([...tracked].filter((f) => !f.endsWith("/rule.ts")));
    expect(missingPaths("docs/X.md", text, noRule)).toEqual(["rule.ts"]);
  });
});
