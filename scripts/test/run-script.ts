/**
 * The repository's scripts run as an operator runs them (`node scripts/run.mjs scripts/ops/X.ts`),
 * for the integration tests of import, backup and restore, and the local SUMMARY they write.
 */
import { type NodeRun, runNode } from "../lib/node-run";
import { repositoryRoot } from "../lib/stack";
import { WranglerSummaryKV } from "../lib/wrangler-kv";

/**
 * Runs `scripts/ops/<script>.ts` with `args` to its end. `env` is added to this process's
 * environment, but for the crash hook (`PULP_ANALYTICS_CRASH_AFTER_KEYS`), which a run only has
 * when `env` sets it.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<NodeRun> {
  const environment = { ...process.env };
  delete environment.PULP_ANALYTICS_CRASH_AFTER_KEYS;
  Object.assign(environment, env);
  return runNode(["scripts/run.mjs", `scripts/ops/${script}.ts`, ...args], {
    cwd: repositoryRoot(),
    env: environment,
  });
}

/** The dev SUMMARY of a local stack whose KV is on disk at `persistTo`. */
export const summaryAt = (persistTo: string) =>
  new WranglerSummaryKV({ env: "dev", local: true, persistTo });
