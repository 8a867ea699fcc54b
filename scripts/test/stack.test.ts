/**
 * The local stack outlives its workers' runtime: when workerd dies (as a V8 fatal error made it
 * under load), the stack starts wrangler dev again on the same local KV and port (another if that
 * was taken meanwhile), and the front holds the requests meanwhile, sending GETs again itself and
 * answering the rest 502 for `send()` to retry. Linux only: the runtime's process is found
 * through /proc.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isoDay } from "@pulp-analytics/shared/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchStack, type RunningStack, runtimeIn, send, wranglerLogs } from "../lib/stack";

/** The process listening on TCP `port` on this machine. */
function listener(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (local?.endsWith(hex) && state === "0A" && inode) inodes.add(inode); // 0A: LISTEN
    }
  }
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (socket?.[1] && inodes.has(socket[1])) return Number(pid);
      } catch {
        // The descriptor closed meanwhile.
      }
    }
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** The runtime the newest wrangler dev log of the stack names. */
function runtime(stack: RunningStack): URL {
  const logs = wranglerLogs(stack.persistTo);
  const newest = readdirSync(logs).sort().at(-1) ?? "";
  const origin = runtimeIn(readFileSync(join(logs, newest), "utf8"));
  if (!origin) throw new Error(`no runtime in ${newest}`);
  return new URL(origin);
}

/** Binds `port` as soon as it is free (wrangler dev has let it go), within 60 s. */
async function take(port: number): Promise<Server> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (bound) return server;
    if (Date.now() > deadline) throw new Error(`port ${port} was never free`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let stack: RunningStack;
let state: string;
const restarts: string[] = [];
beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "pulp-analytics-stack-"));
  stack = await launchStack({
    port: 0,
    persistTo: state,
    onRestart: (reason) => restarts.push(reason),
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await rm(state, { recursive: true, force: true });
});

describe.skipIf(!existsSync("/proc/net/tcp"))("when the workers' runtime dies", () => {
  it("starts wrangler dev again, and the requests meanwhile are answered", async () => {
    expect((await fetch(`${stack.origin}/api/v1/series`)).status).toBe(200);
    const own = stack.internalPort;
    const before = runtime(stack);
    const pid = listener(Number(before.port));
    process.kill(pid, "SIGABRT");
    const day = isoDay(Date.now() - 86_400_000);
    const [get, put] = await Promise.all([
      fetch(`${stack.origin}/api/v1/page`),
      send(`${stack.origin}/?day=${day}`, { method: "PUT" }),
    ]);
    expect([get.status, put.status]).toEqual([200, 200]);
    expect(((await put.json()) as { day: string }).day).toBe(day);
    // A new runtime (a new wrangler dev log) in another process, wrangler dev on its port still.
    const after = runtime(stack);
    expect(listener(Number(after.port))).not.toBe(pid);
    expect((await fetch(`${stack.origin}/api/v1/series`)).status).toBe(200);
    expect([restarts, stack.internalPort]).toEqual([["the workers' runtime died"], own]);
  }, 120_000);

  it("starts wrangler dev on another port when its own was taken meanwhile", async () => {
    restarts.length = 0;
    const own = stack.internalPort;
    process.kill(listener(Number(runtime(stack).port)), "SIGABRT");
    const squatter = await take(own);
    try {
      // The front holds the GET until the new runtime answers.
      expect((await fetch(`${stack.origin}/api/v1/series`)).status).toBe(200);
      expect(restarts).toEqual([
        "the workers' runtime died",
        `port ${own} was taken; it listens on ${stack.internalPort} now`,
      ]);
      expect(stack.internalPort).not.toBe(own);
      expect(listener(stack.internalPort)).not.toBe(process.pid);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 120_000);
});
