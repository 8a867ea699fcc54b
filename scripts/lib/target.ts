/**
 * Which SUMMARY a command-line tool works on, and the conventions the tools that write it share
 * (`npm run import`, `npm run backup`, `npm run restore`):
 *
 *   (nothing) or --env local   the local stack's namespace on disk, `.wrangler/state` as
 *                              `npm start` keeps it (whether it runs or not), or --persist-to DIR
 *   --env dev|production       that deployed namespace, through wrangler (logged in)
 *
 * and the confirmation a write to a deployed namespace asks for.
 */
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ENVIRONMENTS, type Environment, VAR } from "@pulp-analytics/shared/config";
import type { LiveRules } from "@pulp-analytics/shared/store";
import { parseSummaryConfig } from "@pulp-analytics/shared/summary";
import { shown } from "./shown";
import { repositoryRoot } from "./stack";
import { type KvTarget, summarizerVars } from "./wrangler-kv";

/** The `parseArgs` options every such tool takes. */
const TARGET_OPTIONS = {
  env: { type: "string" },
  "persist-to": { type: "string" },
} as const;

export const TARGET_USAGE = "[--env dev|production|local] [--persist-to DIR]";

/** Where the local stack keeps its KV (scripts/stack/start.ts). */
const LOCAL_STATE = ".wrangler/state";

/**
 * The target named by `--env` and `--persist-to`; a message saying what is wrong otherwise.
 * `--env local` is the default said out loud.
 */
export function parseTarget(
  options: { env?: string; "persist-to"?: string },
  root = repositoryRoot(),
): KvTarget | string {
  const env = options.env;
  const persistTo = options["persist-to"];
  if (env === undefined || env === "local") {
    return { env: "dev", local: true, persistTo: resolve(persistTo ?? resolve(root, LOCAL_STATE)) };
  }
  if (!ENVIRONMENTS.includes(env as Environment)) {
    return `--env must be one of ${[...ENVIRONMENTS, "local"].join(", ")}`;
  }
  if (persistTo !== undefined) {
    return "--persist-to is for the local stack; --env dev|production works on a deployed namespace";
  }
  return { env: env as Environment, local: false };
}

/**
 * How each such tool starts: its options (the target's and `options`) parsed, exactly one FILE,
 * the target resolved; a mistake ends the process with `usage` or what is wrong, and so does
 * `fail` later on, prefixed with the tool's `name`.
 */
export function startTool<const O extends NonNullable<ParseArgsConfig["options"]>>(
  name: string,
  usage: string,
  options: O,
) {
  const fail = (message: string): never => {
    // A message may quote a file or wrangler: escaped line by line, whatever the caller did.
    process.stderr.write(`\n${name}: ${message.split("\n").map(shown).join("\n")}\n`);
    process.exit(1);
  };
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, ...options },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) return fail(usage);
  const root = repositoryRoot();
  const target = parseTarget(values as { env?: string; "persist-to"?: string }, root);
  if (typeof target === "string") return fail(target);
  return { values, file, root, target, where: describeTarget(target), fail };
}

/** The target in words, for plans and messages. */
function describeTarget(target: KvTarget): string {
  return target.local
    ? `the local stack's SUMMARY (${target.persistTo})`
    : `SUMMARY of the deployed ${target.env} environment`;
}

/** The target in one word, as a backup file records it: `local`, `dev` or `production`. */
export function targetName(target: KvTarget): string {
  return target.local ? "local" : target.env;
}

/**
 * The rules live check-ins of the target follow, which an import or a restore applies too: the
 * allowlist of the summarizer that publishes it (its wrangler config for that environment; the
 * local stack runs dev's) and production's releases-only versions.
 */
export async function liveRules(target: KvTarget, root: string): Promise<LiveRules> {
  const vars = await summarizerVars(target.env, root);
  const { publishedComponents } = parseSummaryConfig({
    publishedComponents: vars[VAR.PUBLISHED_COMPONENTS],
  });
  return { publishedComponents, releasesOnly: !target.local && target.env === "production" };
}

/**
 * Asks on the terminal before writing a deployed namespace; `fail`s (never returns) on anything
 * but yes, or when there is no terminal to ask on (scripts pass --yes).
 */
export async function confirm(question: string, fail: (message: string) => never): Promise<void> {
  if (!process.stdin.isTTY) {
    fail("writing a deployed namespace needs --yes when not run from a terminal");
  }
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await readline.question(`\n${question} [y/N] `);
  readline.close();
  if (!/^y(es)?$/i.test(answer.trim())) fail("nothing written");
}

/**
 * A progress line on stderr: on a terminal one line redrawn, in a log a line every ten seconds
 * (and the last one). Call `done()` after the last update.
 */
export function progressLine(): { update(line: string, last?: boolean): void; done(): void } {
  const started = performance.now();
  let lastLogged = -Infinity;
  return {
    update(line, last = false) {
      if (process.stderr.isTTY) {
        process.stderr.write(`\r${line}`);
        return;
      }
      const now = performance.now() - started;
      if (last || now - lastLogged >= 10_000) {
        lastLogged = now;
        process.stderr.write(`${line}\n`);
      }
    },
    done() {
      if (process.stderr.isTTY) process.stderr.write("\n");
    },
  };
}
