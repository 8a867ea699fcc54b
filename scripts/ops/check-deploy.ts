/**
 * `npm run check:deploy`: the offline dry run of every deploy. For each worker and
 * environment, `wrangler deploy --dry-run` bundles the worker and validates its config exactly
 * as a real deploy would, without an account or the network. Any failure fails the check; on
 * success it prints each bundle's size, raw and gzip, as a Markdown table.
 *
 *   npm run check:deploy [-- --budget-kib 256]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { ENVIRONMENTS } from "@pulp-analytics/shared/config";
import { offlineEnv, runNode } from "../lib/node-run";

const { values } = parseArgs({
  options: {
    // Our own ceiling per bundle, gzip; Cloudflare's limit is 3 MB (Free) or 10 MB (Paid).
    "budget-kib": { type: "string", default: "256" },
  },
});
const budgetBytes = Number(values["budget-kib"]) * 1024;

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
// The banner is what checks the registry for a newer wrangler: hiding it keeps the run offline.
const OFFLINE = offlineEnv({ WRANGLER_HIDE_BANNER: "true", FORCE_COLOR: "0", NO_COLOR: "1" });

interface Run {
  worker: string;
  env: string;
  ok: boolean;
  output: string;
  ms: number;
  raw: number;
  gzip: number;
}

function workers(): string[] {
  return readdirSync("workers")
    .filter((w) => existsSync(join("workers", w, "wrangler.jsonc")))
    .sort();
}

/** Raw and gzip bytes of the modules wrangler would upload (not the source maps). */
function bundleSize(outdir: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(outdir, { recursive: true, encoding: "utf8" })) {
    const path = join(outdir, file);
    if (!/\.(m?js|wasm)$/.test(file) || !statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    raw += bytes.byteLength;
    gzip += gzipSync(bytes).byteLength;
  }
  return { raw, gzip };
}

async function dryRun(worker: string, env: string, root: string): Promise<Run> {
  const outdir = join(root, `${worker}-${env}`);
  const args = [WRANGLER, "deploy", "--dry-run", "--outdir", outdir, "--env", env];
  args.push("-c", join("workers", worker, "wrangler.jsonc"));
  const started = performance.now();
  const { code, output } = await runNode(args, {
    env: OFFLINE,
  });
  const ms = Math.round(performance.now() - started);
  const ok = code === 0 && existsSync(outdir);
  return { worker, env, ok, output, ms, ...(ok ? bundleSize(outdir) : { raw: 0, gzip: 0 }) };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const started = performance.now();
const root = mkdtempSync(join(tmpdir(), "pulp-analytics-dry-run-"));
try {
  const jobs = workers().flatMap((worker) => ENVIRONMENTS.map((env) => ({ worker, env })));
  // Each dry run is CPU-bound (esbuild, config validation): one per core is as fast as it gets.
  const runs: Run[] = [];
  const lanes = Array.from({ length: availableParallelism() }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      runs.push(await dryRun(job.worker, job.env, root));
    }
  });
  await Promise.all(lanes);
  runs.sort((a, b) => `${a.worker} ${a.env}`.localeCompare(`${b.worker} ${b.env}`));
  const failed = runs.filter((r) => !r.ok);
  for (const run of failed) {
    console.error(`\n✗ ${run.worker} --env ${run.env} failed:\n${run.output}`);
  }
  const overBudget = runs.filter((r) => r.ok && r.gzip > budgetBytes);

  console.log("| worker | env | bundle | gzip | dry run |");
  console.log("|---|---|---:|---:|---:|");
  for (const r of runs) {
    const status = r.ok ? "" : " ✗";
    console.log(
      `| ${r.worker} | ${r.env}${status} | ${kib(r.raw)} | ${kib(r.gzip)} | ${r.ms} ms |`,
    );
  }
  const total = Math.round(performance.now() - started);
  console.log(
    `\n${runs.length} dry runs in ${total} ms; gzip budget ${kib(budgetBytes)} per bundle`,
  );

  for (const r of overBudget) {
    console.error(`✗ ${r.worker} --env ${r.env}: ${kib(r.gzip)} gzip is over the budget`);
  }
  if (failed.length > 0 || overBudget.length > 0) process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
