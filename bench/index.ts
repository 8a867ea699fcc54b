/**
 * `npm run bench`: every benchmark of the project in one run, printed as one Markdown report and
 * written to bench/results.md (git-ignored: the figures worth keeping go into docs/benchmarks.md,
 * each with its command). Figures that matter are ratios or counts measured side by side in this
 * run, because the machine is shared and absolute times drift with its load.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { startStack } from "../scripts/lib/stack";
import { benchAggregate } from "./aggregate";
import { benchDecode } from "./decode";
import { benchIngest } from "./ingest";
import { benchNightly, HEAP_CAP_MB, nightlySteps, nightlyTable } from "./nightly";
import { benchSite } from "./site";
import { benchSteps, STEPS_SETUP, stepDetails, stepsTable } from "./steps";
import { benchSummarizer, type Measured, NAIVE, OURS } from "./summarizer";

const COMMAND = "npm run bench";
const started = performance.now();

function commit(): string {
  try {
    const hash = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      encoding: "utf8",
    });
    return dirty.trim() ? `${hash} + uncommitted changes` : hash;
  } catch {
    return "unknown";
  }
}

/** Naive ÷ ours at the largest size. */
function summarizerRatios(runs: Measured[]): string {
  const largest = Math.max(...runs.map((r) => r.installations));
  const at = runs.filter((r) => r.installations === largest);
  const ours = at.filter((r) => r.what === OURS);
  const naive = at.find((r) => r.what === NAIVE);
  if (!naive || ours.length === 0) return "";
  const sum = (key: "kvOps" | "cpuMs" | "wallMs") => ours.reduce((n, r) => n + r[key], 0);
  const ratio = (key: "kvOps" | "cpuMs" | "wallMs") => (naive[key] / sum(key)).toFixed(1);
  return [
    `At ${largest.toLocaleString("en")} installations the naive design makes **${ratio("kvOps")}×** the KV operations of ours`,
    `(${naive.kvOps.toLocaleString("en")} against ${sum("kvOps").toLocaleString("en")}),`,
    `uses **${ratio("cpuMs")}×** its workerd CPU time and **${ratio("wallMs")}×** its wall time.`,
  ].join(" ");
}

const sections: string[] = [];
const section = (title: string, ...body: string[]) =>
  sections.push(`## ${title}\n\n${body.filter(Boolean).join("\n\n")}`);

section("Decode + validate in isolation (Node)", benchDecode());
section("Pure aggregation throughput (Node)", benchAggregate());

const site = await benchSite();
section(
  "Site through the local stack",
  "One day and ten years of summarized history for 10,000 installations (Pulp's release calendar, `fixtures/src/calendar.ts`, written by the store's `applyDays` and every key seeded into SUMMARY: `fixtures/src/summary.ts`), measured in the same run (`node scripts/run.mjs bench/site-main.ts` runs this part alone).",
  "What the default view (90 days) downloads: HTML and every script and style it loads, fetched through the front door, and the data; gzip -9 in Node:",
  site.weight,
  "Time until every chart is drawn, and the longest main-thread task, headless Chromium (playwright-core, /usr/bin/chromium):",
  site.charts,
);
const stack = await startStack();
try {
  section(
    "KV reads per view",
    'KV reads per view: 1 uncached (the `_page` key; `/` itself reads none), 0 cached, asserted on the real local SUMMARY binding by `workers/site/test/site.test.ts` › "KV reads per view" › "costs one read uncached and none once cached".',
  );
  section("Ingest through the local stack (autocannon)", await benchIngest(stack.origin));
} finally {
  await stack.stop();
}

const nightly = await benchNightly();
section(
  "Summarizer: a night at 1, 5 and 10 years of history (Node, heap capped)",
  `\`node scripts/run.mjs bench/nightly.ts\` alone. SUMMARY holds the last 1, 5 or 10 years of one ten-year calendar of Pulp-like releases (\`fixtures/src/calendar.ts\`: core at about 14 x.y a year, 13 published plugins at 2–8), the movement series in its last three years (from 2024-01-01), so the current year, all a night touches, is the same in every row; RAW holds the installations (\`fixtures/src/population.ts\`), each checked in on the day and on nine in ten of the 59 days before, with its published components' movement, as ingest writes their metadata. Each run is a Node process with \`--max-old-space-size=${HEAP_CAP_MB}\` (half a Worker's 128 MB) over in-memory bindings that keep values outside the heap (\`bench/kv-namespace.ts\`), running \`runNight\` step by step as the Workflow does (\`bench/step-host.ts\`: each step's KV operations capped at 900); the peak heap is sampled at every KV call (an upper bound: it includes garbage not yet collected). "Missed nights filled" counts the calendar's gap days in the window; the last two rows miss the whole retention window (59 nights) and fill it in one run. A run that writes no series of a movement family fails.`,
  nightlyTable(nightly),
  "Every step at 10 years:",
  nightlySteps(nightly.filter((r) => r.years === 10)),
);

const steps = await benchSteps();
section(
  "The nightly run in steps, 100,000 to 10,000,000 RAW entries (Node, heap capped)",
  `\`node scripts/run.mjs bench/steps.ts\` alone. ${STEPS_SETUP}`,
  stepsTable(steps),
  "Every step:",
  stepDetails(steps),
);

const summarizer = await benchSummarizer();
section(
  "Summarizer: ours against the naive design (Miniflare, in-memory KV, no history)",
  summarizer.table,
  summarizerRatios(summarizer.runs),
);

const cpu = cpus()[0]?.model ?? "unknown CPU";
const report = [
  "# Benchmark results",
  "",
  `Command: \`${COMMAND}\` (took ${((performance.now() - started) / 60_000).toFixed(1)} min).`,
  `Run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${commit()};`,
  `${availableParallelism()} CPUs (nproc; ${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; the machine is shared with other jobs.`,
  "",
  sections.join("\n\n"),
  "",
].join("\n");

writeFileSync("bench/results.md", report);
console.log(report);
