/**
 * `node scripts/run.mjs scripts/docs/lighthouse.ts [RUNS]`: Lighthouse 12.2.3 (pinned: 13 needs
 * Node 22) on the page over five years × 10,000 installations of synthetic history (a seeded
 * local stack, as `scripts/stack/seeded-stack.ts` starts), desktop and mobile presets, RUNS times each
 * (default 2), with Debian's Chromium. Prints one markdown row per run (docs/benchmarks.md keeps the summary).
 * Not part of `npm test`: each run takes about a minute on this machine. The local stack serves
 * without compression or HTTP/2, and Lighthouse's mobile preset throttles the CPU 4× on top of
 * whatever load the machine has, so the performance score is a floor of what the edge gives.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { calendarSummary, seedEntries } from "@pulp-analytics/fixtures/summary";
import { startStack } from "../lib/stack";

const runs = Number(process.argv[2] ?? 2);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Report {
  lighthouseVersion: string;
  categories: Record<string, { score: number }>;
  audits: Record<string, { numericValue?: number }>;
}

const summary = await calendarSummary({ years: 5, installations: 10_000 });
const stack = await startStack({ summary: seedEntries(summary) });
const dir = await mkdtemp(join(tmpdir(), "lighthouse-"));
try {
  console.log(
    "| preset | run | performance | accessibility | best practices | SEO | CLS | LCP | TBT |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const preset of ["desktop", "mobile"] as const) {
    for (let run = 1; run <= runs; run++) {
      const out = join(dir, `${preset}-${run}.json`);
      await promisify(execFile)(
        process.execPath,
        [
          "node_modules/lighthouse/cli/index.js",
          `${stack.origin}/`,
          "--quiet",
          "--output=json",
          `--output-path=${out}`,
          "--only-categories=performance,accessibility,best-practices,seo",
          "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run",
          ...(preset === "desktop" ? ["--preset=desktop"] : []),
        ],
        { env: { ...process.env, CHROME_PATH: chromium }, maxBuffer: 64 * 1024 * 1024 },
      );
      const report = JSON.parse(await readFile(out, "utf8")) as Report;
      const score = (id: string) => Math.round((report.categories[id]?.score ?? 0) * 100);
      const audit = (id: string) => report.audits[id]?.numericValue ?? 0;
      console.log(
        `| ${preset} | ${run} | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${score("seo")} | ${audit("cumulative-layout-shift").toFixed(3)} | ${(audit("largest-contentful-paint") / 1000).toFixed(1)} s | ${Math.round(audit("total-blocking-time"))} ms |`,
      );
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await stack.stop();
}
