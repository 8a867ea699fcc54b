/**
 * `npm run deploy:<worker> -- --env <dev|production> [wrangler deploy options]`: deploys one
 * worker to one environment, on its own.
 *
 * It exists to refuse a deploy without `--env`: wrangler would then deploy the top-level
 * config, which has the production name but no bindings, over the production worker.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ENVIRONMENTS, type Environment, WORKER_NAME } from "@pulp-analytics/shared/config";

// The worker comes from the npm script; the rest is what the operator typed after `--`.
const [worker, ...given] = process.argv.slice(2);

/** The value of --env (`--env x`, `--env=x`, `-e x`), and every other option, untouched. */
function splitEnv(options: string[]): { env: string | undefined; passThrough: string[] } {
  let env: string | undefined;
  const passThrough: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i] as string;
    if (option === "--env" || option === "-e") env = options[++i];
    else if (option.startsWith("--env=")) env = option.slice("--env=".length);
    else passThrough.push(option);
  }
  return { env, passThrough };
}

const isWorker = (name: string | undefined): name is keyof typeof WORKER_NAME =>
  name !== undefined && Object.hasOwn(WORKER_NAME, name);
const isEnvironment = (name: string | undefined): name is Environment =>
  (ENVIRONMENTS as readonly (string | undefined)[]).includes(name);

const { env, passThrough } = splitEnv(given);
if (!isWorker(worker) || !isEnvironment(env)) {
  console.error(
    `usage: npm run deploy:<${Object.keys(WORKER_NAME).join("|")}> -- --env <${ENVIRONMENTS.join("|")}> [wrangler deploy options]`,
  );
  process.exit(2);
}

const args = ["deploy", "-c", join("workers", worker, "wrangler.jsonc"), "--env", env];
console.error(`wrangler ${[...args, ...passThrough].join(" ")}`);
const result = spawnSync(
  process.execPath,
  ["node_modules/wrangler/bin/wrangler.js", ...args, ...passThrough],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
