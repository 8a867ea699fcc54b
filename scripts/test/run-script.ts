/**
 * The repository's scripts run as an operator runs them (`node scripts/run.mjs scripts/X.ts`),
 * for the integration tests of import, backup and restore, and the local SUMMARY they write.
 */
import { spawn } from "node:child_process";
import { repositoryRoot } from "../lib/stack";
import { WranglerSummaryKV } from "../lib/wrangler-kv";

/** How a script ended, and everything it wrote to stdout and stderr, interleaved. */
export interface ScriptRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs `scripts/<script>.ts` with `args` to its end. `env` is added to this process's
 * environment, but for the crash hook (`PULP_ANALYTICS_CRASH_AFTER_KEYS`), which a run only has
 * when `env` sets it.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  const environment = { ...process.env };
  delete environment.PULP_ANALYTICS_CRASH_AFTER_KEYS;
  Object.assign(environment, env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/run.mjs", `scripts/${script}.ts`, ...args], {
      cwd: repositoryRoot(),
      env: environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, output }));
  });
}

/** The dev SUMMARY of a local stack whose KV is on disk at `persistTo`. */
export const summaryAt = (persistTo: string) =>
  new WranglerSummaryKV({ env: "dev", local: true, persistTo });
