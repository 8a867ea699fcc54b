import { env, exports } from "cloudflare:workers";
import { BINDING, VAR } from "@pulp-analytics/shared/config";
import type { SiteEnv } from "@pulp-analytics/shared/env";
import {
  applyDays,
  type DayPoints,
  PAGE_KEY,
  type PageData,
  summaryStore,
} from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";

/** The worker under test, called in-process (its default export). */
export const worker = (exports as unknown as { default: Fetcher }).default;

/**
 * SUMMARY with its write methods, for the tests to play the summarizer: the site's own type
 * (ReadOnlyKV) has none.
 */
export const summary = (env as unknown as Record<string, KVNamespace>)[
  BINDING.SUMMARY
] as KVNamespace;

let origins = 0;
/**
 * A URL on an origin no other test used: the edge cache is keyed by origin and path and outlives
 * `reset()`, so each test gets a cold cache of its own.
 */
export function freshOrigin(): (path: string) => string {
  const host = `http://t${++origins}.site.test`;
  return (path) => `${host}${path}`;
}

export const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Stores series through the summarizer's own store; returns the page data it wrote. */
export async function summarize(
  series: Record<string, Point[]>,
  generatedAt: number,
): Promise<PageData> {
  const days = new Map<number, DayPoints>();
  for (const [key, points] of Object.entries(series)) {
    for (const [at, value] of points) {
      const day = days.get(at) ?? { day: at, points: new Map() };
      day.points.set(key, value);
      days.set(at, day);
    }
  }
  await applyDays(summaryStore(summary), [...days.values()], { now: generatedAt });
  return JSON.parse((await summary.get(PAGE_KEY, "text")) ?? "null") as PageData;
}

/** Every key and value of SUMMARY, to show that requests changed nothing. */
export async function snapshot(): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  const { keys } = await summary.list();
  for (const { name } of keys) out[name] = await summary.get(name, "text");
  return out;
}

/**
 * The real SUMMARY binding in an env of the given environment, with its KV operations counted.
 * `local`: the dev environment as the local stack runs it (`LOCAL_STACK`), where nothing is cached.
 */
export function counting(environment: "production" | "dev" | "local"): {
  env: SiteEnv;
  reads: () => number;
} {
  let reads = 0;
  const kv = summary;
  const env = {
    ENVIRONMENT: environment === "local" ? "dev" : environment,
    ...(environment === "local" ? { [VAR.LOCAL_STACK]: "true" } : {}),
    [BINDING.SUMMARY]: {
      get: ((...args: Parameters<KVNamespace["get"]>) => {
        reads++;
        return kv.get(...args);
      }) as KVNamespace["get"],
      getWithMetadata: ((...args: Parameters<KVNamespace["getWithMetadata"]>) => {
        reads++;
        return kv.getWithMetadata(...args);
      }) as KVNamespace["getWithMetadata"],
      list: ((...args: Parameters<KVNamespace["list"]>) => {
        reads++;
        return kv.list(...args);
      }) as KVNamespace["list"],
    },
  } satisfies SiteEnv;
  return { env, reads: () => reads };
}
