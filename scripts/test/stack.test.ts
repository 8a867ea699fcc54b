/**
 * The local stack outlives its workers' runtime: when workerd dies (as a V8 fatal error made it
 * under load), the stack starts wrangler dev again on the same local KV, and the front holds the
 * requests meanwhile, sending GETs again itself and answering the rest 502 for `send()` to retry.
 * Linux only: the runtime's process is found through /proc.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { isoDay } from "@pulp-analytics/shared/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeIn, type Stack, send, startStack, wranglerLogs } from "../lib/stack";

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
function runtime(stack: Stack): URL {
  const logs = wranglerLogs(stack.persistTo);
  const newest = readdirSync(logs).sort().at(-1) ?? "";
  const origin = runtimeIn(readFileSync(join(logs, newest), "utf8"));
  if (!origin) throw new Error(`no runtime in ${newest}`);
  return new URL(origin);
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe.skipIf(!existsSync("/proc/net/tcp"))("when the workers' runtime dies", () => {
  it("starts wrangler dev again, and the requests meanwhile are answered", async () => {
    expect((await fetch(`${stack.origin}/api/v1/series`)).status).toBe(200);
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
    // A new runtime (a new wrangler dev log) in another process.
    const after = runtime(stack);
    expect(listener(Number(after.port))).not.toBe(pid);
    expect((await fetch(`${stack.origin}/api/v1/series`)).status).toBe(200);
  }, 120_000);
});
