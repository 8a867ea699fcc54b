/**
 * A Node child process run to its end, its output kept: how the tools and their tests run the
 * repository's scripts and wrangler (check-deploy, wrangler-kv.ts, the stack's seeding, the
 * integration tests). The one place the scripts collect a child's output; node's `execFile`
 * does not fit: its promise rejects on a non-zero exit (the callers read the code), it caps
 * output at `maxBuffer` (a bulk read of SUMMARY is larger than its default MiB) and it cannot
 * keep stdout and stderr interleaved as they arrived, which the tests' messages show.
 */
import { spawn } from "node:child_process";

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  stdout: string;
  stderr: string;
}

export interface NodeRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is closed from the start. */
  stdin?: string;
  /** Killed after this long, and the promise rejected with what it wrote (e.g. a prompt). */
  timeoutMs?: number;
}

/** This process's environment, with wrangler kept off the network (no metrics, no cf fetch). */
export const offlineEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  ...extra,
});

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
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
      err.push(chunk);
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
      resolve({
        code,
        signal,
        output,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}
