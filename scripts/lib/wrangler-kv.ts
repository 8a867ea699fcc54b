/**
 * SUMMARY through wrangler's own KV commands, as the store's {@link SummaryKV}: the local stack's
 * namespace on disk (`--local --persist-to`, the files `npm start` uses, whether it runs or not)
 * or a deployed one (`--remote`). Going through wrangler rather than miniflare's files or the
 * REST API means one code path for every target, and wrangler's own login for the remote ones.
 *
 * Writes are held in memory, visible to later reads, until {@link WranglerSummaryKV.flush}:
 * `applyDays` puts key by key, and one `wrangler kv bulk put` per write phase (per 40 MB of
 * values; the store's `writePhase`) costs one process start (about a second) instead of one per key. Held writes also make a dry run exact: the plan is
 * what `applyDays` wrote here, and a dry run never flushes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINDING, type Environment } from "@pulp-analytics/shared/config";
import { type SummaryKV, writePhase } from "@pulp-analytics/shared/store";
import { offlineEnv, runNode } from "./node-run";
import { repositoryRoot } from "./stack";

export type KvTarget = { env: Environment } & (
  | { local: true; persistTo: string }
  | { local: false }
);

/** Cloudflare's limit on keys in one bulk read. */
const BULK_GET_KEYS = 100;

const SUMMARIZER_CONFIG = "workers/summarizer/wrangler.jsonc";

/**
 * Bytes of values in one `wrangler kv bulk put`: Cloudflare takes at most 100 MB in one bulk
 * write request, and wrangler splits by key count only, so a whole SUMMARY restored (about 50 MB
 * at ten years × 100,000 installations, more escaped in JSON) goes in batches of this size.
 */
const BULK_PUT_BYTES = 40_000_000;

export class WranglerSummaryKV implements SummaryKV {
  /** Key → value to put, or null to delete. */
  private readonly held = new Map<string, string | null>();
  private names: Set<string> | null = null;
  /** The keys SUMMARY had at the first list, and the values read since (null: absent). */
  private listedAtStart: ReadonlySet<string> = new Set();
  private readonly read = new Map<string, string | null>();
  /** wrangler processes started, for the operator. */
  calls = 0;

  /**
   * @param operation what is writing, for the message of a refused {@link flush} ("import",
   *   "restore").
   */
  constructor(
    private readonly target: KvTarget,
    private readonly root = repositoryRoot(),
    private readonly operation = "import",
  ) {}

  async list(prefix = ""): Promise<string[]> {
    if (!this.names) {
      const listed = (await this.wrangler(["kv", "key", "list"])) as { name: string }[];
      this.names = new Set(listed.map((entry) => entry.name));
      this.listedAtStart = new Set(this.names);
    }
    return [...this.names].filter((name) => name.startsWith(prefix));
  }

  async getMany(keys: string[]): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const held = this.held.get(key);
      if (held === undefined) missing.push(key);
      else if (held !== null) values.set(key, held);
    }
    for (const [key, value] of await this.stored(missing)) {
      if (!this.read.has(key)) this.read.set(key, value);
      if (value !== null) values.set(key, value);
    }
    return values;
  }

  /**
   * What SUMMARY holds now for `keys` (null: absent), a hundred keys to a bulk read. wrangler
   * prints what it got: locally `{key: {value}}`, remotely the API's `result.values`,
   * `{key: value}` (POST …/bulk/get; rehearsed in scripts/test/remote.test.ts).
   */
  private async stored(keys: string[]): Promise<Map<string, string | null>> {
    const values = new Map<string, string | null>();
    for (let i = 0; i < keys.length; i += BULK_GET_KEYS) {
      const batch = keys.slice(i, i + BULK_GET_KEYS);
      const got = (await this.withFile(batch, (file) =>
        this.wrangler(["kv", "bulk", "get", file]),
      )) as Record<string, string | { value: string | null } | null>;
      for (const key of batch) {
        const entry = got[key];
        const value = typeof entry === "string" || entry == null ? entry : entry.value;
        values.set(key, typeof value === "string" ? value : null);
      }
    }
    return values;
  }

  async put(key: string, value: string): Promise<void> {
    this.held.set(key, value);
    (await this.listed()).add(key);
  }

  async delete(key: string): Promise<void> {
    this.held.set(key, null);
    (await this.listed()).delete(key);
  }

  /** What {@link flush} would write: keys with their value's length, and keys to delete. */
  heldWrites(): { puts: [key: string, bytes: number][]; deletes: string[] } {
    const puts: [string, number][] = [];
    const deletes: string[] = [];
    for (const [key, value] of this.held) {
      if (value === null) deletes.push(key);
      else puts.push([key, Buffer.byteLength(value)]);
    }
    return { puts: puts.sort((a, b) => (a[0] < b[0] ? -1 : 1)), deletes: deletes.sort() };
  }

  /**
   * Writes everything held: one bulk put (per 40 MB) and one bulk delete. First checks that no
   * key about to be written changed since it was read (or, never read, appeared since the first
   * list): a summary run between planning and writing (the 00:00 cron, a `PUT /`) would
   * otherwise lose its day under the import's older copy of the year (or a restore's plan would
   * no longer make SUMMARY equal the backup). Then nothing is written and the import (restore)
   * is simply run again. (`_page`, listed and rewritten without being read, is not checked:
   * every run rebuilds it whole.)
   */
  async flush(): Promise<void> {
    const checked = [...this.held.keys()].filter(
      (key) => this.read.has(key) || !this.listedAtStart.has(key),
    );
    const changed: string[] = [];
    for (const [key, now] of await this.stored(checked)) {
      if (now !== (this.read.get(key) ?? null)) changed.push(key);
    }
    if (changed.length > 0) {
      throw new Error(
        `SUMMARY changed while the ${this.operation} was planned (a summary run?): ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", …" : ""}. Nothing was written; run the ${this.operation} again.`,
      );
    }
    // Phase by phase (the store's writePhase): an import cut off anywhere is finished by
    // running it again. A bulk write is not atomic, so each phase ends before the next begins.
    const crash = crashPoint();
    let written = 0;
    for (const phase of [0, 1, 2, 3]) {
      const entries = [...this.held].filter(([key]) => writePhase(key) === phase);
      let puts = entries
        .filter((entry): entry is [string, string] => entry[1] !== null)
        .map(([key, value]) => ({ key, value }));
      let deletes = entries.filter(([, value]) => value === null).map(([key]) => key);
      if (crash !== null) {
        puts = puts.slice(0, Math.max(0, crash - written));
        deletes = deletes.slice(0, Math.max(0, crash - written - puts.length));
      }
      for (const batch of bySize(puts, BULK_PUT_BYTES)) {
        await this.withFile(batch, (file) => this.wrangler(["kv", "bulk", "put", file], false));
      }
      if (deletes.length > 0) {
        await this.withFile(deletes, (file) =>
          this.wrangler(["kv", "bulk", "delete", file, "--force"], false),
        );
      }
      written += puts.length + deletes.length;
      if (crash !== null && written >= crash) process.kill(process.pid, "SIGKILL");
    }
    this.held.clear();
  }

  private async listed(): Promise<Set<string>> {
    if (!this.names) await this.list();
    return this.names as Set<string>;
  }

  private async withFile<T>(content: unknown, use: (file: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "pulp-analytics-kv-"));
    try {
      const file = join(dir, "keys.json");
      await writeFile(file, JSON.stringify(content));
      return await use(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs one wrangler KV command on SUMMARY of the target; its JSON output when `parse`. */
  private async wrangler(args: string[], parse = true): Promise<unknown> {
    const where = this.target.local
      ? ["--local", "--persist-to", this.target.persistTo]
      : ["--remote"];
    const argv = [
      "node_modules/wrangler/bin/wrangler.js",
      ...args,
      "--binding",
      BINDING.SUMMARY,
      "-c",
      SUMMARIZER_CONFIG,
      "--env",
      this.target.env,
      ...where,
    ];
    this.calls++;
    const { code, stdout, stderr } = await runNode(argv, { cwd: this.root, env: offlineEnv() });
    if (code !== 0) {
      throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${code}):\n${stderr}`);
    }
    if (!parse) return undefined;
    const json = jsonOutput(stdout);
    if (json === null) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} printed no JSON`);
    return JSON.parse(json);
  }
}

/**
 * The tests' stand-in for a power cut: with `PULP_ANALYTICS_CRASH_AFTER_KEYS=n`, a flush writes
 * its first n keys (in its own order) and the process kills itself with SIGKILL, so no cleanup
 * runs. Unset (always, outside the tests): null.
 */
function crashPoint(): number | null {
  const text = process.env.PULP_ANALYTICS_CRASH_AFTER_KEYS;
  if (text === undefined || !/^\d+$/.test(text)) return null;
  return Number(text);
}

/** `entries` in order, cut into batches of at most `limit` bytes of values (at least one each). */
export function bySize<T extends { value: string }>(entries: T[], limit: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.value);
    if (batch.length > 0 && bytes + size > limit) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * The JSON document in wrangler's output, which can have a banner before it and a "Success!"
 * after it: from the first line opening an array or object at column 0 to the first line
 * closing it at column 0 (wrangler indents everything inside).
 */
export function jsonOutput(stdout: string): string | null {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => /^[[{]/.test(line));
  if (start < 0) return null;
  if (/^(\[\]|\{\})\s*$/.test(lines[start] as string)) return lines[start] as string;
  const end = lines.findIndex((line, i) => i > start && /^[\]}]\s*$/.test(line));
  return end < 0 ? null : lines.slice(start, end + 1).join("\n");
}

/**
 * The summarizer's variables in one environment, as wrangler resolves its config. Read in a
 * child process: loading wrangler costs about 180 MB, which would otherwise count against the
 * importer's own memory for the rest of a long import.
 */
export async function summarizerVars(env: Environment, root = repositoryRoot()) {
  const script = `import { unstable_readConfig } from "wrangler";
const config = unstable_readConfig({ config: ${JSON.stringify(SUMMARIZER_CONFIG)}, env: ${JSON.stringify(env)} }, { hideWarnings: true });
process.stdout.write(JSON.stringify(config.vars ?? {}));`;
  const { code, stdout, stderr } = await runNode(["--input-type=module", "-e", script], {
    cwd: root,
    env: offlineEnv(),
  });
  if (code !== 0) throw new Error(`cannot read ${SUMMARIZER_CONFIG}:\n${stderr}`);
  return JSON.parse(stdout) as Record<string, string | undefined>;
}
