/**
 * A Node child process run to its end, its stdout and stderr kept together as written: how the
 * tools and their tests run the repository's scripts and wrangler (check-deploy, the
 * integration tests).
 */
import { spawn } from "node:child_process";

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

export interface NodeRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is closed from the start. */
  stdin?: string;
  /** Killed after this long, and the promise rejected with what it wrote (e.g. a prompt). */
  timeoutMs?: number;
}

/** Runs `node <args>` (this process's Node) until it exits. */
export function runNode(args: readonly string[], options: NodeRunOptions = {}): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGTERM");
            reject(new Error(`${args.join(" ")} did not finish (waiting for input?):\n${output}`));
          }, options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}
