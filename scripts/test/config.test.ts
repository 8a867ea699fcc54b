/**
 * The three wrangler.jsonc files keep the deployment story's promises (docs/contract.md#1-one-origin-three-workers).
 * Each config is read by wrangler itself, per environment, so what is asserted is what wrangler
 * would deploy (inheritance of top-level keys included), not our reading of the JSONC.
 */
import { fileURLToPath } from "node:url";
import {
  BINDING,
  CONVERGE_CRON,
  ENVIRONMENTS,
  type Environment,
  FINISH_CRON,
  MAX_METADATA_BYTES,
  SECRET,
  SUMMARY_CRON,
  VAR,
  WORKER_NAME,
} from "@pulp-analytics/shared/config";
import { worstCaseMetaBytes } from "@pulp-analytics/shared/raw";
import { parseSummaryConfig } from "@pulp-analytics/shared/summary";
import { describe, expect, it } from "vitest";
import { experimental_readRawConfig, unstable_readConfig } from "wrangler";

type Worker = keyof typeof WORKER_NAME;
const WORKERS = Object.keys(WORKER_NAME) as Worker[];

const configPath = (worker: Worker) =>
  fileURLToPath(new URL(`../../workers/${worker}/wrangler.jsonc`, import.meta.url));

/**
 * The fields asserted here, as wrangler resolves them for one environment. (wrangler's own
 * Config type comes from a package that is bundled into it, so it reaches us as `any`.)
 */
interface EffectiveConfig {
  name: string;
  vars: Record<string, unknown>;
  kv_namespaces: { binding: string; id?: string }[];
  services?: { binding: string; service: string; environment?: string }[];
  routes?: (string | { pattern: string })[];
  route?: unknown;
  workers_dev?: boolean;
  preview_urls?: boolean;
  triggers: { crons?: string[] };
  observability?: {
    enabled?: boolean;
    head_sampling_rate?: number;
    logs?: { enabled?: boolean; invocation_logs?: boolean; destinations?: string[] };
    traces?: { enabled?: boolean };
  };
  logpush?: boolean;
  tail_consumers?: unknown[];
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
  migrations?: unknown[];
  limits?: { cpu_ms?: number };
}

const effective = (worker: Worker, env: Environment): EffectiveConfig =>
  unstable_readConfig({ config: configPath(worker), env }, { hideWarnings: true });

/** Every binding kind other than KV and services through which a worker could write. */
const STORAGE_BINDINGS = [
  "r2_buckets",
  "d1_databases",
  "queues.producers",
  "durable_objects.bindings",
  "workflows",
  "analytics_engine_datasets",
  "hyperdrive",
  "vectorize",
] as const;

function storageBindings(worker: Worker, env: Environment, kind: string): unknown[] {
  let value: unknown = effective(worker, env);
  for (const field of kind.split(".")) {
    value = (value as Record<string, unknown> | undefined)?.[field];
  }
  return (value as unknown[] | undefined) ?? [];
}

const kvBindings = (worker: Worker, env: Environment) =>
  effective(worker, env).kv_namespaces.map((kv) => kv.binding);

const serviceBindings = (worker: Worker, env: Environment) =>
  (effective(worker, env).services ?? []).map((s) => s.binding);

function kvId(worker: Worker, env: Environment, binding: string): string | undefined {
  return effective(worker, env).kv_namespaces.find((kv) => kv.binding === binding)?.id;
}

/** The name a worker deploys under in `env` (`env.<env>.name`, or wrangler's `<name>-<env>`). */
const deployedName = (worker: Worker, env: Environment) => effective(worker, env).name;

/** CPU ms per invocation, top-level in each config and inherited by both environments. */
const CPU_MS: Record<Worker, number> = { ingest: 200, site: 15_000, summarizer: 30_000 };

const cases = ENVIRONMENTS.flatMap((env) => WORKERS.map((worker) => ({ worker, env })));

describe.each(cases)("$worker in $env", ({ worker, env }) => {
  const config = effective(worker, env);

  it("logs its own lines and never a request's headers or address", () => {
    expect(config.observability?.enabled).toBe(true);
    expect(config.observability?.logs?.enabled).toBe(true);
    // Invocation logs carry every request's headers (CF-Connecting-IP among them) and cf object;
    // traces its metadata; Logpush and tail consumers would send the same elsewhere.
    expect(config.observability?.logs?.invocation_logs).toBe(false);
    expect(config.observability?.traces?.enabled).not.toBe(true);
    expect(config.observability?.logs?.destinations ?? []).toEqual([]);
    expect(config.logpush).not.toBe(true);
    expect(config.tail_consumers ?? []).toEqual([]);
  });

  it("cannot enable simulated check-in time", () => {
    expect(config.vars).not.toHaveProperty(VAR.ALLOW_SIMULATED_TIME);
  });

  it("is never the local stack (only scripts/lib/stack.ts passes LOCAL_STACK)", () => {
    expect(config.vars).not.toHaveProperty(VAR.LOCAL_STACK);
  });

  it("keeps secrets out of its config", () => {
    for (const secret of Object.values(SECRET)) expect(config.vars).not.toHaveProperty(secret);
  });

  it("uses only rate limiter names defined in shared/src/config/names.ts", () => {
    const known: string[] = Object.values(BINDING);
    for (const { name } of config.ratelimits ?? []) expect(known).toContain(name);
  });

  it("sets its CPU limit deliberately (docs/operations.md#quotas-and-cost)", () => {
    expect(config.limits?.cpu_ms).toBe(CPU_MS[worker]);
  });

  it("says which environment it is", () => {
    expect(config.vars[VAR.ENVIRONMENT]).toBe(env);
  });

  it("deploys under a stable name", () => {
    const base = WORKER_NAME[worker];
    expect(deployedName(worker, env)).toBe(env === "production" ? base : `${base}-${env}`);
  });

  it("uses only binding names defined in shared/src/config/names.ts", () => {
    const known: string[] = Object.values(BINDING);
    const durableObjects = storageBindings(worker, env, "durable_objects.bindings") as {
      name: string;
    }[];
    for (const name of [
      ...kvBindings(worker, env),
      ...serviceBindings(worker, env),
      ...durableObjects.map((d) => d.name),
    ]) {
      expect(known).toContain(name);
    }
  });

  it("binds every service to a worker that deploys under that name in the same environment", () => {
    for (const { service, environment } of config.services ?? []) {
      // A binding that picks another environment of the target would cross dev and production.
      expect(environment).toBeUndefined();
      const target = WORKERS.find((w) => deployedName(w, env) === service);
      expect(target, `${service} is not the ${env} name of any worker`).toBeDefined();
    }
  });
});

describe.each(ENVIRONMENTS)("in %s", (env) => {
  it("the site is bound to SUMMARY only: no RAW, no other storage, no services", () => {
    expect(kvBindings("site", env)).toEqual([BINDING.SUMMARY]);
    expect(effective("site", env).services ?? []).toEqual([]);
    for (const kind of STORAGE_BINDINGS)
      expect(storageBindings("site", env, kind), kind).toEqual([]);
  });

  it("ingest stores into RAW and forwards reads to the site", () => {
    expect(kvBindings("ingest", env)).toEqual([BINDING.RAW]);
    expect(serviceBindings("ingest", env)).toContain(BINDING.SITE);
  });

  it("the summarizer reads RAW and writes SUMMARY, on the nightly cron, with no public route", () => {
    const summarizer = effective("summarizer", env);
    expect(kvBindings("summarizer", env).sort()).toEqual([BINDING.RAW, BINDING.SUMMARY].sort());
    expect(summarizer.triggers.crons).toEqual([SUMMARY_CRON, CONVERGE_CRON, FINISH_CRON]);
    expect(summarizer.routes ?? []).toEqual([]);
    expect(summarizer.route).toBeUndefined();
    expect(summarizer.workers_dev).toBe(false);
    expect(summarizer.preview_urls).not.toBe(true);
    expect(summarizer.services ?? []).toEqual([]);
  });

  it("the summarizer's only other storage is its run lock and its runs' Workflow, both its own", () => {
    const workflow = `pulp-analytics-summary-run${env === "dev" ? "-dev" : ""}`;
    for (const kind of STORAGE_BINDINGS) {
      const expected =
        kind === "durable_objects.bindings"
          ? [{ name: BINDING.SUMMARY_LOCK, class_name: "SummaryLock" }]
          : kind === "workflows"
            ? [{ name: workflow, binding: BINDING.SUMMARY_RUN, class_name: "SummaryRun" }]
            : [];
      expect(storageBindings("summarizer", env, kind), kind).toEqual(expected);
    }
  });

  it("ingest's only other storage is its admission budget, a SQLite Durable Object of its own", () => {
    for (const kind of STORAGE_BINDINGS) {
      const expected =
        kind === "durable_objects.bindings"
          ? [{ name: BINDING.ADMISSION, class_name: "AdmissionBudget" }]
          : [];
      expect(storageBindings("ingest", env, kind), kind).toEqual(expected);
    }
    expect(effective("ingest", env).migrations).toEqual([
      { tag: "v1", new_sqlite_classes: ["AdmissionBudget"] },
    ]);
  });

  it("ingest and the summarizer share one RAW namespace", () => {
    expect(kvId("ingest", env, BINDING.RAW)).toBeTruthy();
    expect(kvId("summarizer", env, BINDING.RAW)).toBe(kvId("ingest", env, BINDING.RAW));
  });

  it("the summarizer and the site share one SUMMARY namespace", () => {
    expect(kvId("site", env, BINDING.SUMMARY)).toBeTruthy();
    expect(kvId("site", env, BINDING.SUMMARY)).toBe(kvId("summarizer", env, BINDING.SUMMARY));
  });

  it("only ingest is public", () => {
    for (const worker of ["summarizer", "site"] as const) {
      expect(effective(worker, env).workers_dev, worker).toBe(false);
      expect(effective(worker, env).routes ?? [], worker).toEqual([]);
    }
  });
});

describe("ingest's rate limiters (docs/contract.md#rate-limit)", () => {
  const LIMITERS = [
    BINDING.CHECKIN_LIMITER,
    BINDING.CHECKIN_LIMITER_56,
    BINDING.CHECKIN_LIMITER_48,
  ] as const;
  const limiter = (env: Environment, name: string) =>
    (effective("ingest", env).ratelimits ?? []).find((r) => r.name === name);

  it("production allows 100 check-ins a minute per address or IPv6 /64, 200 per /56, 1,000 per /48", () => {
    expect(LIMITERS.map((name) => limiter("production", name)?.simple)).toEqual([
      { limit: 100, period: 60 },
      { limit: 200, period: 60 },
      { limit: 1000, period: 60 },
    ]);
  });

  it.each(LIMITERS)("dev's %s allows more in a minute than the load test sends in all", (name) => {
    // scripts/test/load.ts: 20,000 + 1,000 + 10,000 check-ins and a few more, from one address.
    expect(limiter("dev", name)?.simple.limit).toBeGreaterThan(31_000 * 3);
  });

  it("every limiter of every environment counts apart", () => {
    const ids = ENVIRONMENTS.flatMap((env) =>
      LIMITERS.map((name) => limiter(env, name)?.namespace_id),
    );
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the other workers have no limiter", () => {
    for (const env of ENVIRONMENTS) {
      expect(effective("site", env).ratelimits ?? []).toEqual([]);
      expect(effective("summarizer", env).ratelimits ?? []).toEqual([]);
    }
  });
});

describe("ingest's budget of new installations (docs/architecture.md#admission)", () => {
  const vars = (env: Environment) => effective("ingest", env).vars;

  it("production admits 50 a network a day, and the larger of 1,000 and 5% of yesterday's known", () => {
    expect(vars("production")).toMatchObject({
      [VAR.ADMISSION_PER_NETWORK]: "50",
      [VAR.ADMISSION_FLOOR]: "1000",
      [VAR.ADMISSION_SHARE]: "0.05",
    });
  });

  it("dev admits more from one address in a day than the load test and the demo post", () => {
    // scripts/test/load.ts: over 31,000 new ids from 127.0.0.1; the demo: 150 systems (--systems N).
    expect(Number(vars("dev")[VAR.ADMISSION_PER_NETWORK])).toBeGreaterThan(31_000 * 3);
    expect(Number(vars("dev")[VAR.ADMISSION_FLOOR])).toBeGreaterThan(31_000 * 3);
    expect(Number(vars("dev")[VAR.ADMISSION_SHARE])).toBeGreaterThanOrEqual(0);
  });

  it("the other workers have no such variables", () => {
    for (const env of ENVIRONMENTS) {
      for (const worker of ["site", "summarizer"] as const) {
        for (const name of [VAR.ADMISSION_PER_NETWORK, VAR.ADMISSION_FLOOR, VAR.ADMISSION_SHARE]) {
          expect(effective(worker, env).vars).not.toHaveProperty(name);
        }
      }
    }
  });
});

describe.each(ENVIRONMENTS)("published components in %s", (env) => {
  const published = (worker: Worker) =>
    parseSummaryConfig({
      publishedComponents: effective(worker, env).vars[VAR.PUBLISHED_COMPONENTS] as
        | string
        | undefined,
    }).publishedComponents;

  it("ingest's metadata carries exactly what the summarizer publishes", () => {
    expect([...published("ingest")]).toEqual([...published("summarizer")]);
  });

  // The facts and core's movement: other components' movement is dropped first to fit.
  it("the largest metadata the list allows fits in 1024 bytes, so none overflows", () => {
    expect(worstCaseMetaBytes([...published("ingest")])).toBeLessThanOrEqual(MAX_METADATA_BYTES);
  });
});

it("dev and production never share a KV namespace", () => {
  const ids = (env: Environment) =>
    WORKERS.flatMap((w) => effective(w, env).kv_namespaces.map((kv) => kv.id));
  const production = new Set(ids("production"));
  for (const id of ids("dev")) expect(production).not.toContain(id);
});

it("production ingest cannot trigger a summary; dev ingest can", () => {
  expect(serviceBindings("ingest", "production")).not.toContain(BINDING.SUMMARIZER);
  expect(serviceBindings("ingest", "dev")).toContain(BINDING.SUMMARIZER);
});

it("production ingest is the front door of analytics.pulpproject.org", () => {
  const routes = effective("ingest", "production").routes ?? [];
  expect(routes.map((r) => (typeof r === "string" ? r : r.pattern))).toEqual([
    "analytics.pulpproject.org/*",
  ]);
});

it.each(WORKERS)("%s declares $schema so editors validate it", (worker) => {
  const { rawConfig } = experimental_readRawConfig({ config: configPath(worker) });
  expect((rawConfig as { $schema?: string }).$schema).toMatch(/wrangler\/config-schema\.json$/);
});

it.each(WORKERS)("%s does not enable simulated time at the top level either", (worker) => {
  // Top-level vars apply to a deploy without --env (which the deploy scripts refuse, but
  // wrangler itself allows).
  const { rawConfig } = experimental_readRawConfig({ config: configPath(worker) });
  expect((rawConfig as { vars?: Record<string, unknown> }).vars ?? {}).not.toHaveProperty(
    VAR.ALLOW_SIMULATED_TIME,
  );
});
