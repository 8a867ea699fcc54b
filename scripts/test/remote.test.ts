/**
 * The remote commands of docs/operations.md, rehearsed: each run as an operator runs it, through
 * the wrangler this repository pins, against a local stand-in of Cloudflare's v4 API
 * (./cloudflare-api.ts) that wrangler reaches through CLOUDFLARE_API_BASE_URL, with
 * CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID set and stdin closed, so that nothing can stop
 * to ask. Every request the stand-in does not know fails the run, and so does one over
 * Cloudflare's limits (the stand-in refuses it as Cloudflare would).
 *
 * In the order of docs/operations.md: the namespaces, the six deploys, the dev trigger secret,
 * rollback and a gradual roll-out, then SUMMARY's tools (import, backup, restore) on the
 * deployed namespaces, ending with a backup → restore round trip that must give back SUMMARY
 * byte for byte.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importDump } from "@pulp-analytics/fixtures/import";
import { calendarSummary, seedEntries } from "@pulp-analytics/fixtures/summary";
import { BINDING } from "@pulp-analytics/shared/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeRun, runNode } from "../lib/node-run";
import { repositoryRoot } from "../lib/stack";
import { WranglerSummaryKV } from "../lib/wrangler-kv";
import {
  ACCOUNT_ID,
  API_TOKEN,
  LIMITS,
  type Namespace,
  type StandIn,
  startCloudflareApi,
} from "./cloudflare-api";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";
const ENVS = ["dev", "production"] as const;
/** The configs' namespace ids (docs/operations.md, "First setup"). */
const ID = {
  dev: { RAW: "00000000000000000000000000dev001", SUMMARY: "00000000000000000000000000dev002" },
  production: {
    RAW: "0000000000000000000000000prod001",
    SUMMARY: "0000000000000000000000000prod002",
  },
} as const;
const NAME = {
  dev: {
    ingest: "pulp-analytics-ingest-dev",
    site: "pulp-analytics-site-dev",
    summarizer: "pulp-analytics-summarizer-dev",
  },
  production: {
    ingest: "pulp-analytics-ingest",
    site: "pulp-analytics-site",
    summarizer: "pulp-analytics-summarizer",
  },
} as const;

let api: StandIn;
let dir: string;
const saved = { ...process.env };

/**
 * The environment of every remote command (and of WranglerSummaryKV's wrangler, which inherits
 * this process's): the stand-in, a token, an account, no metrics.
 */
beforeAll(async () => {
  api = await startCloudflareApi();
  dir = await mkdtemp(join(tmpdir(), "pulp-analytics-remote-"));
  Object.assign(process.env, {
    CLOUDFLARE_API_BASE_URL: api.baseUrl,
    CLOUDFLARE_API_TOKEN: API_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_LOG_PATH: join(dir, "logs"),
  });
});

afterAll(async () => {
  for (const name of [
    "CLOUDFLARE_API_BASE_URL",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ACCOUNT_ID",
    "WRANGLER_LOG_PATH",
  ]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs one command from the repository root with stdin closed (or fed `stdin` and then closed):
 * a command that waits for an answer is killed after `timeoutMs` and fails the test.
 */
const run = (args: string[], options: { stdin?: string; timeoutMs?: number } = {}) =>
  runNode(args, { cwd: repositoryRoot(), timeoutMs: 240_000, ...options });

const npmScript = (script: string, ...args: string[]) =>
  run(["scripts/run.mjs", `scripts/ops/${script}.ts`, ...args]);
const wrangler = (...args: string[]) => run([WRANGLER, ...args]);

/** Expects a command to have succeeded, showing its output when it did not. */
function ok(result: NodeRun): string {
  if (result.code !== 0) throw new Error(`exit ${result.code}:\n${result.output}`);
  return result.output;
}

const entriesOf = (ns: Namespace) =>
  new Map([...ns.entries].map(([key, entry]) => [key, entry.value.toString("utf8")]));

describe("the remote commands of docs/operations.md against a stand-in of Cloudflare's API", {
  timeout: 600_000,
}, () => {
  it("first setup: creates the four namespaces, and refuses a title twice", async () => {
    for (const title of [
      "pulp-analytics-raw",
      "pulp-analytics-summary",
      "pulp-analytics-raw-dev",
      "pulp-analytics-summary-dev",
    ]) {
      const output = ok(await wrangler("kv", "namespace", "create", title));
      const created = [...api.namespaces.values()].find((ns) => ns.title === title);
      expect(created, title).toBeDefined();
      expect(output).toContain(created?.id);
    }
    expect((await wrangler("kv", "namespace", "create", "pulp-analytics-raw")).code).not.toBe(0);
    // The configs hold placeholder ids; the rehearsal's namespaces are those.
    for (const env of ENVS) {
      api.namespace(ID[env].RAW, `raw ${env}`);
      api.namespace(ID[env].SUMMARY, `summary ${env}`);
    }
  });

  it("deploy:* refuses to run without --env, before any request", async () => {
    const before = api.log.length;
    const refused = await npmScript("deploy", "ingest");
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/usage: npm run deploy/);
    expect(api.log.length).toBe(before);
  });

  it.each(
    ENVS.flatMap((env) =>
      (["site", "summarizer", "ingest"] as const).map((worker) => [worker, env] as const),
    ),
  )(
    "deploy:%s --env %s uploads the worker with its own bindings and triggers",
    async (worker, env) => {
      ok(await npmScript("deploy", worker, "--env", env));
      const script = api.scripts.get(NAME[env][worker]);
      expect(script, NAME[env][worker]).toBeDefined();
      const bindings = (script?.versions[0]?.metadata.bindings ?? []) as {
        name: string;
        type: string;
        namespace_id?: string;
        service?: string;
      }[];
      const kv = Object.fromEntries(
        bindings.filter((b) => b.type === "kv_namespace").map((b) => [b.name, b.namespace_id]),
      );
      const services = Object.fromEntries(
        bindings.filter((b) => b.type === "service").map((b) => [b.name, b.service]),
      );
      // Never reachable on workers.dev or a preview URL.
      expect(script?.subdomain).toEqual({ enabled: false, previews_enabled: false });
      if (worker === "site") {
        expect(kv).toEqual({ [BINDING.SUMMARY]: ID[env].SUMMARY });
        // Its static files, each uploaded once (by content hash) whichever env deployed first.
        expect(script?.assets.has("/app.js")).toBe(true);
        for (const hash of script?.assets.values() ?? []) expect(api.assets.has(hash)).toBe(true);
      }
      if (worker === "summarizer") {
        expect(kv).toEqual({ [BINDING.RAW]: ID[env].RAW, [BINDING.SUMMARY]: ID[env].SUMMARY });
        expect(script?.schedules.map((s) => s.cron)).toEqual([
          "0 0 * * *",
          "10 0 * * *",
          "20,30,40,50 0 * * *",
        ]);
        // Its run lock: a Durable Object class of its own, created by the first deploy's
        // migration, which later deploys do not repeat.
        expect(bindings.filter((b) => b.type === "durable_object_namespace")).toEqual([
          expect.objectContaining({ name: BINDING.SUMMARY_LOCK, class_name: "SummaryLock" }),
        ]);
        expect(script?.migrationTag).toBe("v1");
        // Its runs: a Workflow of its own, created (and on later deploys updated) by the deploy.
        expect(bindings.filter((b) => b.type === "workflow")).toEqual([
          expect.objectContaining({ name: BINDING.SUMMARY_RUN, class_name: "SummaryRun" }),
        ]);
        const workflow =
          env === "dev" ? "pulp-analytics-summary-run-dev" : "pulp-analytics-summary-run";
        expect(api.workflows.get(workflow)).toEqual({
          script_name: NAME[env].summarizer,
          class_name: "SummaryRun",
        });
        ok(await npmScript("deploy", worker, "--env", env));
        expect(script?.versions[0]?.metadata.migrations).toBeUndefined();
        expect(script?.migrationTag).toBe("v1");
      }
      if (worker === "ingest") {
        expect(kv).toEqual({ [BINDING.RAW]: ID[env].RAW });
        expect(services).toEqual(
          env === "dev"
            ? { [BINDING.SITE]: NAME.dev.site, [BINDING.SUMMARIZER]: NAME.dev.summarizer }
            : { [BINDING.SITE]: NAME.production.site },
        );
        const host = env === "dev" ? "dev.analytics.pulpproject.org" : "analytics.pulpproject.org";
        expect(
          api.routes.filter((r) => r.script === NAME[env].ingest).map((r) => r.pattern),
        ).toEqual([`${host}/*`]);
      }
    },
  );

  it("deploys an existing worker again as a new version", async () => {
    const before = api.scripts.get(NAME.production.site)?.versions.length ?? 0;
    ok(await npmScript("deploy", "site", "--env", "production"));
    const site = api.scripts.get(NAME.production.site);
    expect(site?.versions.length).toBe(before + 1);
    expect(site?.deployments[0]?.versions).toEqual([
      { version_id: site?.versions[0]?.id, percentage: 100 },
    ]);
  });

  it("sets the dev trigger token from stdin, as `openssl rand -hex 32 |` does", async () => {
    const token = "5e".repeat(32);
    ok(
      await run(
        [
          WRANGLER,
          "secret",
          "put",
          "SUMMARY_TRIGGER_TOKEN",
          "-c",
          "workers/ingest/wrangler.jsonc",
          "--env",
          "dev",
        ],
        { stdin: `${token}\n` },
      ),
    );
    expect(api.scripts.get(NAME.dev.ingest)?.secrets.get("SUMMARY_TRIGGER_TOKEN")).toBe(token);
    expect(api.scripts.get(NAME.production.ingest)?.secrets.size).toBe(0);
  });

  it("rolls back to a named version and to the previous one, with the message", async () => {
    const site = ["-c", "workers/site/wrangler.jsonc", "--env", "production"];
    const listed = ok(await wrangler("versions", "list", ...site, "--json"));
    const versions = JSON.parse(listed.slice(listed.indexOf("["))) as { id: string }[];
    const known = api.scripts.get(NAME.production.site)?.versions ?? [];
    expect(known.length).toBeGreaterThanOrEqual(2);
    expect(versions.map((v) => v.id).sort()).toEqual(known.map((v) => v.id).sort());
    const oldest = known.at(-1)?.id as string;
    ok(await wrangler("rollback", oldest, ...site, "-m", "rehearsal: back to the first"));
    const deployments = api.scripts.get(NAME.production.site)?.deployments ?? [];
    expect(deployments[0]).toMatchObject({
      versions: [{ version_id: oldest, percentage: 100 }],
      annotations: { "workers/message": "rehearsal: back to the first" },
    });
    ok(await wrangler("rollback", ...site, "-m", "rehearsal: previous"));
    expect(deployments[0]?.versions[0]?.version_id).not.toBe(oldest);
  });

  it("rolls a change out gradually: versions upload, versions deploy 10/90, triggers deploy", async () => {
    const ingest = ["-c", "workers/ingest/wrangler.jsonc", "--env", "production"];
    const script = api.scripts.get(NAME.production.ingest);
    const current = script?.deployments[0]?.versions[0]?.version_id as string;
    const uploaded = ok(await wrangler("versions", "upload", ...ingest));
    const next = script?.versions[0]?.id as string;
    expect(uploaded).toContain(next);
    expect(script?.deployments[0]?.versions[0]?.version_id).toBe(current);
    ok(
      await wrangler(
        "versions",
        "deploy",
        `${next}@10%`,
        `${current}@90%`,
        ...ingest,
        "--message",
        "canary",
        "--yes",
      ),
    );
    expect(script?.deployments[0]?.versions).toEqual([
      { version_id: next, percentage: 10 },
      { version_id: current, percentage: 90 },
    ]);
    ok(await wrangler("triggers", "deploy", ...ingest));
    expect(
      api.routes.filter((r) => r.script === NAME.production.ingest).map((r) => r.pattern),
    ).toEqual(["analytics.pulpproject.org/*"]);
  });

  it("lists more keys than one page and reads them a hundred at a time", async () => {
    const summary = api.namespace(ID.dev.SUMMARY);
    for (let i = 0; i < 2_500; i++) {
      summary.entries.set(`rehearsal:${String(i).padStart(4, "0")}`, {
        value: Buffer.from(`value ${i} ✓`),
      });
    }
    const kv = new WranglerSummaryKV({ env: "dev", local: false }, repositoryRoot());
    const start = api.log.length;
    const names = await kv.list();
    expect(names).toHaveLength(2_500);
    const listed = api.log.slice(start).filter((l) => l.path.endsWith(`${ID.dev.SUMMARY}/keys`));
    expect(listed.length).toBe(3);
    expect(listed.slice(1).every((l) => l.query.cursor)).toBe(true);
    const sample = names.slice(0, 250);
    const values = await kv.getMany(sample);
    expect(values.size).toBe(250);
    expect(values.get("rehearsal:0249")).toBe("value 249 ✓");
    const reads = api.log.slice(start).filter((l) => l.path.endsWith("/bulk/get"));
    expect(reads).toHaveLength(3);
    for (const key of [...summary.entries.keys()]) summary.entries.delete(key);
  });

  it.each([
    ["import", importDump("worker-2022.json")],
    ["backup", join(tmpdir(), "never-written.json")],
    ["restore", join(tmpdir(), "never-read.json")],
  ])("%s refuses an environment that does not exist, before any request", async (tool, file) => {
    const before = api.log.length;
    const refused = await npmScript(tool, "--env", "staging", file);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/--env must be one of dev, production, local/);
    expect(api.log.length).toBe(before);
  });

  it("imports a dump into the deployed dev SUMMARY (--dry-run first), asking nothing", async () => {
    const summary = api.namespace(ID.dev.SUMMARY);
    const dump = importDump("worker-2022.json");
    ok(await npmScript("import", dump, "--env", "dev", "--dry-run"));
    expect(summary.entries.size).toBe(0);
    const unconfirmed = await npmScript("import", dump, "--env", "dev");
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.output).toMatch(/--yes/);
    expect(summary.entries.size).toBe(0);
    ok(await npmScript("import", dump, "--env", "dev", "--yes"));
    expect([...summary.entries.keys()].some((key) => key.startsWith("c:"))).toBe(true);
  });

  it("backs up production's SUMMARY and restores it byte for byte", async () => {
    const summary = api.namespace(ID.production.SUMMARY);
    const seeded = seedEntries(await calendarSummary({ years: 2, installations: 300 }));
    for (const { key, value } of seeded) summary.entries.set(key, { value: Buffer.from(value) });
    const original = entriesOf(summary);
    expect(original.size).toBeGreaterThan(LIMITS.bulkGetKeys);

    const file = join(dir, "summary-production.json");
    const backedUp = ok(await npmScript("backup", "--env", "production", file));
    expect(backedUp).toContain(`${original.size.toLocaleString("en-US")} keys`);
    const text = await readFile(file, "utf8");
    expect(text).toContain('"source":"production"');

    // What a bad deploy could leave: a value changed, a key gone, a key added.
    const [first, second] = [...original.keys()];
    summary.entries.set(first as string, { value: Buffer.from("[]") });
    summary.entries.delete(second as string);
    summary.entries.set("c:rehearsal_extra:2026", { value: Buffer.from("{}") });

    ok(await npmScript("restore", "--env", "production", "--dry-run", file));
    expect(summary.entries.has("c:rehearsal_extra:2026")).toBe(true);
    const unconfirmed = await npmScript("restore", "--env", "production", file);
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.output).toMatch(/--yes/);
    expect(summary.entries.has(second as string)).toBe(false);

    ok(await npmScript("restore", "--env", "production", "--yes", file));
    const restored = entriesOf(summary);
    expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [key, value] of original) {
      expect(
        Buffer.compare(summary.entries.get(key)?.value ?? Buffer.alloc(0), Buffer.from(value)),
        key,
      ).toBe(0);
    }
    const again = ok(await npmScript("restore", "--env", "production", "--yes", file));
    expect(again).toMatch(/[Nn]othing to write/);
  });

  it("made every request within Cloudflare's limits, and none the stand-in does not know", () => {
    expect(api.unknown).toEqual([]);
    for (const entry of api.log) {
      if (entry.path.endsWith("/bulk") && entry.method === "PUT") {
        expect(entry.bytes).toBeLessThanOrEqual(LIMITS.bulkWriteBytes);
      }
      // The stand-in answers 400/413/414 to a request over a limit, as Cloudflare does.
      expect(
        [400, 413, 414].includes(entry.status) && !entry.path.endsWith("/storage/kv/namespaces"),
        `${entry.method} ${entry.path} ${entry.status}`,
      ).toBe(false);
    }
    const writes = api.log.filter((l) => l.method === "PUT" && l.path.endsWith("/bulk"));
    expect(writes.length).toBeGreaterThan(0);
  });
});
