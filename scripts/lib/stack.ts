/**
 * The local stack for the browser test, the benchmarks and the load test: `npm start`'s wrangler
 * command on a spare port with a throwaway --persist-to directory, and the history a demo would
 * build through the front door (check-ins with a simulated time, then `PUT /?day=D` for each day).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { AnalyticsSchema } from "../../shared/src/gen/analytics_pb";
import { DAY_MS, HEADER } from "../../shared/src/names";
import { isoDay } from "../../shared/src/time";

/**
 * The repository root: the first folder up from this module that holds wrangler. Found rather
 * than fixed, because scripts/run.mjs runs this module bundled from node_modules/.cache.
 */
function repositoryRoot(): string {
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
  stop(): Promise<void>;
}

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface StackOptions {
  /**
   * SUMMARY entries written before the stack starts (`wrangler kv bulk put --local`), e.g. page
   * views of a synthetic history (bench/page-history.ts).
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
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repositoryRoot(),
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_LOG_PATH: join(state, "logs"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout?.on("data", (chunk) => (log += chunk));
    child.stderr?.on("data", (chunk) => (log += chunk));
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`kv bulk put failed:\n${log}`)),
    );
  });
  await rm(file);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const state = await mkdtemp(join(tmpdir(), "pulp-analytics-stack-"));
  if (options.summary) await seedSummary(state, options.summary);
  const port = await sparePort();
  const configs = ["ingest", "site", "summarizer"].flatMap((w) => [
    "-c",
    `workers/${w}/wrangler.jsonc`,
  ]);
  // The wrangler node process itself (not an npx wrapper), so that killing it stops the stack.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "node_modules/wrangler/bin/wrangler.js",
      "dev",
      ...configs,
      "--env",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      state,
      "--var",
      "ALLOW_SIMULATED_TIME:true",
    ],
    {
      cwd: repositoryRoot(),
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_LOG_PATH: join(state, "logs"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // Kept for the error message of a failed start only: a benchmark's request log would fill it.
  let log = "";
  let started = false;
  const keep = (chunk: Buffer) => {
    if (!started) log += chunk;
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${origin}/api/v1/series`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      started = true;
      return { origin, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the local stack did not start:\n${log}`);
}

/**
 * fetch, sent again when wrangler dev answers that the worker restarted mid-request: it reloads
 * when a source file changes, and others may be editing the tree while this runs.
 */
export async function send(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, init);
    if (res.status !== 503 || attempt === 5) return res;
    const text = await res.text();
    if (!text.includes("restarted mid-request")) return new Response(text, res);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A deterministic pseudo-random sequence, so every run builds the same history. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)] as T;

/**
 * `days` days of history ending yesterday (UTC): installations that join over time, upgrade
 * their plugins now and then and sometimes disappear; one also runs an in-house plugin that
 * must never be published.
 */
export async function buildHistory(origin: string, days: number, systems: number): Promise<string> {
  const next = random(42);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const first = today - days * DAY_MS;
  const fleet = Array.from({ length: systems }, (_, i) => ({
    id: crypto.randomUUID(),
    joins: first + Math.floor(next() * days * 0.6) * DAY_MS,
    leaves:
      next() < 0.15
        ? first + Math.floor(days * (0.5 + next() * 0.5)) * DAY_MS
        : Number.POSITIVE_INFINITY,
    core: 44 + Math.floor(next() * 3),
    plugins: ["file", "rpm", "container", "ansible", "python"].filter(() => next() < 0.6),
    postgres: pick(next, [130008, 150004, 150004, 160002, 160002, 90624, 0]),
    workers: 1 + Math.floor(next() * 8),
    hosts: 1 + Math.floor(next() * 3),
    users: Math.floor(next() ** 3 * 200),
    inHouse: i === 0,
  }));
  for (let day = first; day < today; day += DAY_MS) {
    for (const system of fleet) {
      if (day < system.joins || day >= system.leaves) continue;
      if (next() < 0.04) system.core = Math.min(system.core + 1, 49);
      const components = [
        { name: "core", version: `3.${system.core}.${Math.floor(next() * 3)}` },
        ...system.plugins.map((name) => ({
          name,
          version: `${name === "rpm" ? 3 : 1}.${Math.floor(system.core / 4)}.${Math.floor(next() * 2)}`,
        })),
        ...(system.inHouse ? [{ name: "acme_internal", version: "0.1.0" }] : []),
      ];
      const body = toBinary(
        AnalyticsSchema,
        create(AnalyticsSchema, {
          systemId: system.id,
          components,
          onlineWorkers: { processes: system.workers, hosts: system.hosts },
          onlineContentApps: { processes: system.hosts * 2, hosts: system.hosts },
          postgresqlVersion: system.postgres,
          rbacStats: {
            users: system.users,
            groups: Math.floor(system.users / 10),
            domains: 0,
            customAccessPolicies: 0,
            customRoles: system.users > 50 ? 2 : 0,
          },
        }),
      );
      const at = new Date(day + (8 + Math.floor(next() * 12)) * 3_600_000).toISOString();
      const res = await send(`${origin}/`, {
        method: "POST",
        body,
        headers: { [HEADER.SIMULATED_TIME]: at },
      });
      if (res.status !== 200)
        throw new Error(`check-in on ${at}: ${res.status} ${await res.text()}`);
    }
    const summary = await send(`${origin}/?day=${isoDay(day)}`, { method: "PUT" });
    if (summary.status !== 200)
      throw new Error(`PUT /?day=${isoDay(day)}: ${summary.status} ${await summary.text()}`);
  }
  return isoDay(today - DAY_MS);
}
