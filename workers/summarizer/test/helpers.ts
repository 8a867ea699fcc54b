import { env } from "cloudflare:workers";
import type { FixtureBinding } from "@pulp-analytics/fixtures/pulpcore-types";
import type { Facts } from "@pulp-analytics/shared/checkin";
import { DAY_MS, startOfUtcDay } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { encodeMeta } from "@pulp-analytics/shared/raw";
import { parseChunk, parseChunkKey } from "@pulp-analytics/shared/store";
import type { Point, SystemRecord } from "@pulp-analytics/shared/summary";
import { expect } from "vitest";
import type { RunBudget } from "../src/run";
import { type RunOutput, type RunParams, waitForRun } from "../src/workflow";

export const testEnv = env as unknown as SummarizerEnv & { FIXTURES: FixtureBinding[] };

/** Ten RAW keys a page, one page a slice, one day an apply step: a run of dozens of steps. */
export const TINY: RunBudget = {
  listLimit: 10,
  pagesPerSlice: 1,
  valueReadsPerSlice: 5,
  msPerSlice: 60_000,
  sumsPerSlice: 1_000_000,
  daysPerApply: 1,
};

/** Runs the Workflow as instance `id` with `params` and returns its output once it completed. */
export async function runWorkflow(id: string, params: RunParams): Promise<RunOutput> {
  const instance = await testEnv.SUMMARY_RUN.create({ id, params });
  const status = await waitForRun(instance, 120_000, 50);
  expect(status?.error).toBeUndefined();
  expect(status?.status).toBe("complete");
  return status?.output as RunOutput;
}

/** 00:00 UTC `n` days before today: PUT refuses days after today, so tests count backwards. */
export const daysAgo = (n: number) => startOfUtcDay(Date.now()) - n * DAY_MS;

export function fixtureBytes(file: string): Uint8Array {
  const fixture = testEnv.FIXTURES.find((f) => f.file === file);
  if (!fixture) throw new Error(`no fixture ${file}`);
  return Uint8Array.from(atob(fixture.base64), (c) => c.charCodeAt(0));
}

/** A system id that sorts like its number, so tests can tell which page an entry lands on. */
export const systemId = (i: number) =>
  `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

/**
 * A varied but reproducible installation: versions, process counts, PostgreSQL and RBAC differ
 * with `i`, and every seventh runs an in-house plugin that must never be published.
 */
export function variedSystem(i: number, day: number): SystemRecord {
  const components = [{ name: "core", version: `3.${40 + (i % 25)}.${i % 4}` }];
  if (i % 2 === 0) components.push({ name: "file", version: "1.16.0" });
  if (i % 7 === 0) components.push({ name: "inhouse", version: "0.1.0" });
  if (i % 11 === 0) components.push({ name: "rpm", version: "3.27.0.dev" });
  const facts: Facts = {
    components,
    onlineWorkers: i % 3 === 0 ? null : { processes: i % 9, hosts: 1 + (i % 2) },
    onlineContentApps: { processes: 1 + (i % 4), hosts: 1 },
    postgresqlVersion: [null, 0, 90624, 130014, 150004, 160004][i % 6] ?? null,
    rbacStats:
      i % 4 === 0
        ? null
        : {
            users: i % 40,
            groups: i % 5,
            domains: 0,
            customAccessPolicies: 1,
            customRoles: i % 17,
          },
  };
  return { firstSeen: day - (i % 30) * DAY_MS + 3_600_000, lastCheckIn: day + 7_200_000, facts };
}

/** Stores systems in RAW the way ingest does: value plus metadata carrying the facts. */
export async function seedRaw(systems: { id: string; record: SystemRecord }[]): Promise<void> {
  for (let i = 0; i < systems.length; i += 50) {
    await Promise.all(
      systems.slice(i, i + 50).map(({ id, record }) =>
        testEnv.RAW.put(id, "{}", {
          metadata: encodeMeta(
            record.facts,
            { firstSeen: record.firstSeen, lastCheckIn: record.lastCheckIn },
            "j",
          ),
        }),
      ),
    );
  }
}

/** Every SUMMARY key with its stored text, for byte-for-byte comparisons. */
export async function dumpSummary(): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  let cursor: string | undefined;
  for (;;) {
    const page = await testEnv.SUMMARY.list({ cursor });
    for (const key of page.keys) {
      dump[key.name] = (await testEnv.SUMMARY.get(key.name, "text")) ?? "";
    }
    if (page.list_complete) return dump;
    cursor = page.cursor;
  }
}

/** SUMMARY whose put throws for the writes `fails` picks (n counts puts from 1). */
export function failingPuts(
  kv: KVNamespace,
  fails: (key: string, n: number) => boolean,
): KVNamespace {
  let puts = 0;
  return new Proxy(kv, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "put") return value.bind(target);
      return (key: string, ...rest: unknown[]) => {
        puts++;
        if (fails(key, puts)) return Promise.reject(new Error("injected KV write failure"));
        return value.call(target, key, ...rest);
      };
    },
  });
}

/** Every series of a SUMMARY dump, read back from the year chunks: key → points, oldest first. */
export function seriesIn(dump: Record<string, string>): Map<string, Point[]> {
  const all = new Map<string, Point[]>();
  for (const [name, text] of Object.entries(dump)) {
    if (!parseChunkKey(name)) continue;
    for (const [key, points] of parseChunk(text))
      all.set(key, [...(all.get(key) ?? []), ...points]);
  }
  for (const points of all.values()) points.sort((a, b) => a[0] - b[0]);
  return all;
}
