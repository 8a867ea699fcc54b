/**
 * The local stack: what `npm start` runs (scripts/stack/start.ts); the same stack on a spare port with
 * a throwaway --persist-to directory for the browser test, the benchmarks and the load test; and
 * the history a demo would build through the front door (check-ins with a simulated time, then
 * `PUT /?day=D` for each day).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { encodeBody } from "@pulp-analytics/fixtures/bodies";
import { type DemoCheckIn, simulate } from "@pulp-analytics/fixtures/fleet";
import { DAY_MS, HEADER, isoDay, MAX_BODY_BYTES, VAR } from "@pulp-analytics/shared/config";
import { startFront } from "./front";
import { offlineEnv, runNode } from "./node-run";

/**
 * The repository root: the first folder up from this module that holds wrangler. Found rather
 * than fixed, because scripts/run.mjs runs this module bundled from node_modules/.cache.
 */
export function repositoryRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "node_modules/wrangler/bin/wrangler.js"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`wrangler not found above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
}

export interface Stack {
  origin: string;
  /** Its KV on disk (`--persist-to`), for tools that write it beside the stack (the importer). */
  persistTo: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /**
   * The public port (the front's), or 0 for a spare one; wrangler dev itself listens on a spare
   * one behind it.
   */
  port: number;
  /** Where local KV lives (`--persist-to`). */
  persistTo: string;
  /** wrangler's output, with its internal origin rewritten to the public one. */
  output?: (chunk: string) => void;
  /** Told why, each time wrangler dev is started again (see launchStack). */
  onRestart?: (reason: string) => void;
}

/**
 * Where wrangler writes its logs for a stack's `--persist-to` directory: the seeding's and each
 * wrangler dev's, so that a new wrangler dev's log is told apart by being new.
 */
export const wranglerLogs = (persistTo: string): string => join(persistTo, "logs");

/** The last workers' runtime a wrangler dev log names (see runtimeOrigin), or null. */
export function runtimeIn(log: string): string | null {
  const ready = /"userWorkerUrl":\{"protocol":"(http:)","hostname":"([^"]+)","port":"(\d+)"\}/g;
  const match = [...log.matchAll(ready)].at(-1);
  return match ? `${match[1]}//${match[2]}:${match[3]}` : null;
}

/**
 * The workers' runtime that wrangler dev started, and the log file that names it: its debug log
 * (always written to the file) names it each time the runtime is ready,
 * `"userWorkerUrl":{…"port":"…"}`, on another port after each reload. Only log files that were
 * not in `logs` before are read.
 */
async function runtimeOrigin(
  logs: string,
  before: ReadonlySet<string>,
  child: ChildProcess,
  deadline: number,
): Promise<{ runtime: string; log: string }> {
  while (Date.now() < deadline && child.exitCode === null) {
    const files = (await readdir(logs).catch(() => [])).filter((f) => !before.has(f)).sort();
    for (const file of files.reverse()) {
      const log = join(logs, file);
      const runtime = runtimeIn(await readFile(log, "utf8"));
      if (runtime) return { runtime, log };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev's log in ${logs} never named the workers' runtime`);
}

export interface RunningStack extends Stack {
  /**
   * Resolves with wrangler's exit code when it ends for good: stopped by a signal, ended
   * cleanly, or not started again after a failure.
   */
  exited: Promise<number | null>;
  /**
   * wrangler dev's own port, behind the front: only for wrangler's local commands
   * (`wrangler workflows instances … --local --port`), which the front does not forward. The same
   * after a restart, unless another process took it meanwhile (`onRestart` names the new one).
   */
  internalPort: number;
}

/** workerd's last words when it dies (a V8 fatal error has been seen under load): */
const RUNTIME_DIED = /\*\*\* Received signal #\d+/;
/** Where wrangler dev says it listens, on its own port (`--port 0`: one the kernel picks). */
const WRANGLER_READY = /Ready on http:\/\/127\.0\.0\.1:(\d+)/;
/** What wrangler dev says, and exits, when its `--port` is taken. */
const PORT_TAKEN = /Address already in use \(127\.0\.0\.1:\d+\)/;

class PortTaken extends Error {}

interface Wrangler {
  child: ChildProcess;
  /** wrangler dev's own port (its proxy, which the front does not use). */
  port: number;
  exited: Promise<number | null>;
  /** The workers' runtime, which the front forwards to. */
  runtime: string;
  /** wrangler dev's log file, which names the runtime again after each reload. */
  log: string;
}

/**
 * `npm start`'s stack: the three workers in one wrangler dev (dev environment, simulated time
 * allowed) on an internal port, behind the front (scripts/lib/front.ts) on the public port,
 * which forwards to the workers' runtime itself. wrangler's log goes to `logs` under the
 * `--persist-to` directory. Resolves once the front answers through to the site.
 *
 * When the runtime dies, or wrangler dev exits with an error, wrangler dev is started again on
 * the same `--persist-to` (local KV is on disk) and the front follows it: meanwhile it holds
 * requests, and sends GET and HEAD again (`onRestart` says why each restart happened).
 */
export async function launchStack(options: StackOptions): Promise<RunningStack> {
  const logs = wranglerLogs(options.persistTo);
  // wrangler dev processes find each other through a shared dev registry, by worker name. Every
  // stack (npm start, a test's, another checkout's) runs the same names, so each gets its own
  // registry: one stack starting or stopping never rewires or stops another.
  const registry = await mkdtemp(join(tmpdir(), "pulp-analytics-registry-"));
  const configs = ["ingest", "site", "summarizer"].flatMap((w) => [
    "-c",
    `workers/${w}/wrangler.jsonc`,
  ]);
  let stopping = false;
  let restarting: Promise<void> | null = null;
  let current: Wrangler | undefined;
  let gaveUp: (code: number | null) => void = () => {};
  const exited = new Promise<number | null>((resolve) => {
    gaveUp = resolve;
  });

  // The front listens first, so that its port is ours from the start (a port found free and
  // bound later can be taken meanwhile); it holds requests until the runtime is known.
  const front = await startFront({
    host: "127.0.0.1",
    port: options.port,
    target: () => current?.runtime ?? null,
    onUnreachable: () => void reread(),
    maxBodyBytes: MAX_BODY_BYTES,
    // A reload after a source change, or a restart: wrangler's own proxy held requests meanwhile.
    retryMs: 60_000,
  }).catch(async (error: unknown) => {
    await rm(registry, { recursive: true, force: true });
    throw error;
  });

  /** Starts wrangler dev on `port`, 0 for one the kernel picks, and finds its runtime. */
  const launch = async (port: number): Promise<Wrangler> => {
    const before = new Set(await readdir(logs).catch(() => []));
    // The wrangler node process itself (not an npx wrapper), so that killing it stops the stack.
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "node_modules/wrangler/bin/wrangler.js",
        "dev",
        ...configs,
        ...["--env", "dev", "--ip", "127.0.0.1", "--port", String(port)],
        ...["--persist-to", options.persistTo],
        ...["--var", `${VAR.ALLOW_SIMULATED_TIME}:true`, "--var", `${VAR.LOCAL_STACK}:true`],
      ],
      {
        cwd: repositoryRoot(),
        env: offlineEnv({ WRANGLER_REGISTRY_PATH: registry, WRANGLER_LOG_PATH: logs }),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const childExited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // Passed on whole lines, so that wrangler's port is found and rewritten even when a chunk
    // ends mid-line.
    let own = port === 0 ? null : port;
    let taken = false;
    let partial = "";
    const pass = (lines: string) => {
      own ??= Number(WRANGLER_READY.exec(lines)?.[1] ?? "") || null;
      taken ||= PORT_TAKEN.test(lines);
      options.output?.(
        own === null ? lines : lines.replaceAll(`127.0.0.1:${own}`, `127.0.0.1:${front.port}`),
      );
      if (RUNTIME_DIED.test(lines)) restart(child, "the workers' runtime died");
    };
    const rewrite = (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const end = text.lastIndexOf("\n") + 1;
      partial = text.slice(end);
      if (end > 0) pass(text.slice(0, end));
    };
    child.stdout?.on("data", rewrite);
    child.stderr?.on("data", rewrite);
    void childExited.then((code) => {
      if (partial) pass(partial);
      if (stopping || restarting || current?.child !== child) return;
      // Stopped by a signal (Ctrl+C reaches wrangler too) or ended cleanly: the stack ends.
      if (code === 0 || child.signalCode !== null) gaveUp(code);
      else restart(child, `wrangler dev exited (${code})`);
    });
    try {
      const deadline = Date.now() + 60_000;
      const found = await runtimeOrigin(logs, before, child, deadline);
      while (own === null && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (own === null) throw new Error("wrangler dev never said which port it listens on");
      return { child, port: own, exited: childExited, ...found };
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await childExited;
      throw taken ? new PortTaken(`port ${port} is taken`) : error;
    }
  };

  /** Starts wrangler dev again in place of `child`, once, unless the stack is stopping. */
  const restart = (child: ChildProcess, reason: string) => {
    if (stopping || restarting || !current || current.child !== child) return;
    options.onRestart?.(reason);
    const before = current;
    restarting = (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await before.exited;
      }
      try {
        // The same port, which `npm start` printed; another if that was taken meanwhile.
        current = await launch(before.port).catch(async (error: unknown) => {
          if (!(error instanceof PortTaken)) throw error;
          const moved = await launch(0);
          options.onRestart?.(`port ${before.port} was taken; it listens on ${moved.port} now`);
          return moved;
        });
      } catch (error) {
        options.onRestart?.(`wrangler dev did not start again: ${String(error)}`);
        gaveUp(1);
      } finally {
        restarting = null;
      }
    })();
  };

  /** Where the runtime is now, after a reload: read again when the front cannot reach it. */
  let rereading = false;
  const reread = async () => {
    const wrangler = current;
    if (rereading || restarting || !wrangler) return;
    rereading = true;
    const runtime = runtimeIn(await readFile(wrangler.log, "utf8").catch(() => ""));
    if (runtime && current === wrangler) wrangler.runtime = runtime;
    rereading = false;
  };

  try {
    current = await launch(0);
  } catch (error) {
    await front.close();
    await rm(registry, { recursive: true, force: true });
    throw error;
  }
  const running = (): Wrangler => {
    if (!current) throw new Error("wrangler dev is not running");
    return current;
  };
  const stop = async () => {
    stopping = true;
    await restarting;
    const { child, exited: childExited } = running();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await childExited;
    }
    await front.close();
    await rm(registry, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${front.port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && running().child.exitCode === null) {
    const ready = await fetch(`${origin}/api/v1/series`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      return {
        origin,
        persistTo: options.persistTo,
        stop,
        exited,
        get internalPort() {
          return running().port;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error("the local stack did not start");
}

/** The stack for tests and benchmarks: a spare port and a throwaway --persist-to directory. */
export interface StartOptions {
  /**
   * SUMMARY entries written before the stack starts (`wrangler kv bulk put --local`), e.g.
   * every key the store wrote for a synthetic history (fixtures/src/summary.ts).
   */
  summary?: Array<{ key: string; value: string }>;
}

/** Writes `entries` into the dev SUMMARY namespace kept in `state`, with wrangler. */
async function seedSummary(
  state: string,
  entries: Array<{ key: string; value: string }>,
): Promise<void> {
  const file = join(state, "summary-seed.json");
  await writeFile(file, JSON.stringify(entries));
  const args = [
    "node_modules/wrangler/bin/wrangler.js",
    ...["kv", "bulk", "put", "--local", "--persist-to", state, "--binding", "SUMMARY"],
    ...["-c", "workers/summarizer/wrangler.jsonc", "--env", "dev", file],
  ];
  const { code, output } = await runNode(args, {
    cwd: repositoryRoot(),
    env: offlineEnv({ WRANGLER_LOG_PATH: wranglerLogs(state) }),
  });
  if (code !== 0) throw new Error(`kv bulk put failed:\n${output}`);

  await rm(file);
}

export async function startStack(options: StartOptions = {}): Promise<Stack> {
  const state = await mkdtemp(join(tmpdir(), "pulp-analytics-stack-"));
  if (options.summary) await seedSummary(state, options.summary);
  // The last few KB of wrangler's output: a benchmark's request log would fill any more, and
  // the end is what explains a failed start or a wrangler that exits mid-run.
  let tail = "";
  let stopping = false;
  let stack: RunningStack;
  try {
    stack = await launchStack({
      port: 0,
      persistTo: state,
      output: (chunk) => {
        tail = (tail + chunk).slice(-8_000);
      },
      // Said on the test's output, with what led to it, though the stack carries on.
      onRestart: (reason) =>
        console.error(
          `the local stack starts wrangler dev again: ${reason}; its last output:\n${tail}`,
        ),
    });
  } catch (error) {
    await rm(state, { recursive: true, force: true });
    throw new Error(`${String(error)}:\n${tail}`);
  }
  void stack.exited.then((code) => {
    if (!stopping) console.error(`wrangler dev ended (${code}) mid-run; its last output:\n${tail}`);
  });
  return {
    origin: stack.origin,
    persistTo: state,
    stop: async () => {
      stopping = true;
      await stack.stop();
      await rm(state, { recursive: true, force: true });
    },
  };
}

/**
 * fetch, sent again when the front answers that it lost the workers' runtime mid-request (it
 * sends only GET and HEAD again itself): wrangler dev restarts the runtime when a source file
 * changes, others may be editing the tree while this runs, and the stack starts a wrangler dev
 * whose runtime died again.
 */
export async function send(url: string, init: RequestInit): Promise<Response> {
  // As long as the front holds requests while wrangler dev starts again (launchStack).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(url, init);
    if (res.status !== 502 || Date.now() > deadline) return res;
    const text = await res.text();
    if (!text.includes("could not reach wrangler dev")) return new Response(text, res);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * `days` days of history ending yesterday (UTC), posted through the front door and summarized
 * day by day: the fleet of the demo (fixtures/src/fleet.ts), with installations that join,
 * upgrade and leave, and some that run in-house plugins that must never be published. Returns
 * the last day.
 */
export async function buildHistory(origin: string, days: number, systems: number): Promise<string> {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const lastDay = today - DAY_MS;
  const fleet = simulate({ systems, days, seed: 42, lastDay, now: today });
  const post = async (checkIn: DemoCheckIn) => {
    const { body, contentType } = encodeBody(checkIn, checkIn.form);
    const at = new Date(checkIn.at).toISOString();
    const res = await send(`${origin}/`, {
      method: "POST",
      body,
      headers: { "Content-Type": contentType, [HEADER.SIMULATED_TIME]: at },
    });
    if (res.status !== 200) throw new Error(`check-in on ${at}: ${res.status} ${await res.text()}`);
  };
  for (const checkIn of fleet.history) await post(checkIn);
  for (const { day, checkIns } of fleet.days) {
    for (const checkIn of checkIns) await post(checkIn);
    const summary = await send(`${origin}/?day=${isoDay(day)}`, { method: "PUT" });
    if (summary.status !== 200)
      throw new Error(`PUT /?day=${isoDay(day)}: ${summary.status} ${await summary.text()}`);
  }
  return isoDay(lastDay);
}
