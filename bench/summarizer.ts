/**
 * Summarizer at 1,000, 10,000 and 100,000 installations in local (in-memory) KV, ours against
 * the naive design, side by side in one Miniflare: KV operations, wall time, workerd CPU time.
 */
import { readFileSync } from "node:fs";
import { DAY_MS } from "@pulp-analytics/shared/config";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const DAY = Date.parse("2026-11-20T00:00:00Z");
const SEED_CHUNK = 1000;

async function workerScript(): Promise<string> {
  const result = await build({
    // Scripts run from the repository root (npm run bench).
    entryPoints: ["bench/summarizer-worker.ts"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** CPU seconds used so far by the workerd processes this Node process started. */
function workerdCpuMs(): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readFileSync(`/proc/self/task/${process.pid}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean)) {
    total += cpuOf(pid, ticks);
  }
  return total;
}

function cpuOf(pid: string, ticks: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of /proc/PID/stat (index 11 and 12 after the name).
    return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
  } catch {
    return 0;
  }
}

interface Run {
  systems: number;
  kvOps: number;
  writes: number;
  pending: number;
  wallMs: number;
  cpuMs: number;
}

async function measure(mf: Miniflare, path: string): Promise<Run> {
  const cpu = workerdCpuMs();
  const started = performance.now();
  const res = await mf.dispatchFetch(`http://bench${path}`);
  const body = (await res.json()) as Omit<Run, "wallMs" | "cpuMs">;
  return { ...body, wallMs: performance.now() - started, cpuMs: workerdCpuMs() - cpu };
}

/** One measured run: `installations` systems in RAW, run `what`. */
export interface Measured extends Run {
  installations: number;
  what: string;
}

const line = (r: Measured) =>
  `| ${r.installations.toLocaleString("en")} | ${r.what} | ${r.systems} | ${r.kvOps} | ${r.writes} | ${r.pending} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} |`;

export const OURS = "ours: nightly run";
export const NAIVE = "naive: list, then read every key";

export async function benchSummarizer(
  sizes = [1_000, 10_000, 100_000],
): Promise<{ table: string; runs: Measured[] }> {
  const script = await workerScript();
  const runs: Measured[] = [];
  const row = (installations: number, what: string, run: Run) =>
    runs.push({ ...run, installations, what });
  for (const n of sizes) {
    const mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: "2026-04-26",
      kvNamespaces: ["RAW", "SUMMARY", "NAIVE_SUMMARY"],
      kvPersist: false,
      bindings: { ENVIRONMENT: "production", PERSISTENT_MIN_AGE_DAYS: "1" },
    });
    try {
      for (let from = 0; from < n; from += SEED_CHUNK * 4) {
        await Promise.all(
          [0, 1, 2, 3]
            .map((k) => from + k * SEED_CHUNK)
            .filter((start) => start < n)
            .map((start) =>
              mf.dispatchFetch(
                `http://bench/seed?day=${DAY}&from=${start}&count=${Math.min(SEED_CHUNK, n - start)}`,
              ),
            ),
        );
      }
      const nightly = await measure(mf, `/ours?day=${DAY}`);
      row(n, OURS, nightly);
      row(n, NAIVE, await measure(mf, `/naive?day=${DAY}`));
      row(n, "ours: rerun of the same day", await measure(mf, `/ours?day=${DAY}`));
      row(n, "ours: next day, nobody checked in", await measure(mf, `/ours?day=${DAY + DAY_MS}`));
      console.error(`summarizer: ${n.toLocaleString("en")} installations measured`);
    } finally {
      await mf.dispose();
    }
  }
  const table = [
    "| installations | run | systems | KV ops | series writes | left pending | wall ms | workerd CPU ms |",
    "|---:|---|---:|---:|---:|---:|---:|---:|",
    ...runs.map(line),
  ].join("\n");
  return { table, runs };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("summarizer.ts")) {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  console.log((await benchSummarizer(sizes.length ? sizes : undefined)).table);
}
