/**
 * The summarizer benchmark's worker, run by Miniflare with in-memory KV: it seeds RAW, then runs
 * either our summarizer or a naive one (the predecessor's design: list, then read every key).
 */

import { recordOf, systemId } from "@pulp-analytics/fixtures/population";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { encodeMeta, factsFromMeta, parseMeta } from "@pulp-analytics/shared/raw";
import {
  parseSummaryConfig,
  type SystemRecord,
  summarizeDay,
} from "@pulp-analytics/shared/summary";
import { countingKV, type OpCounter } from "../workers/summarizer/src/op-budget";
import { summarize } from "../workers/summarizer/src/run";

export default {
  async fetch(request: Request, env: SummarizerEnv): Promise<Response> {
    const url = new URL(request.url);
    const day = Number(url.searchParams.get("day"));
    if (url.pathname === "/seed") {
      const from = Number(url.searchParams.get("from"));
      const count = Number(url.searchParams.get("count"));
      await Promise.all(
        Array.from({ length: count }, (_, k) => {
          const record = recordOf(from + k, day);
          return env.RAW.put(systemId(from + k), "", {
            metadata: encodeMeta(record.facts, record, "p"),
          });
        }),
      );
      return new Response("seeded");
    }
    if (url.pathname === "/ours") {
      const result = await summarize(env, day, { now: day });
      return Response.json({
        ...result.report,
        writes: result.applied.writes + result.applied.deletes,
        pending: 0,
      });
    }
    if (url.pathname === "/naive") return Response.json(await naive(env, day));
    return new Response("not found", { status: 404 });
  },
};

/** List, then one read per key, then read-modify-write each series: one op per installation. */
async function naive(env: SummarizerEnv, day: number) {
  const started = Date.now();
  const counter: OpCounter = { ops: 0 };
  const raw = countingKV(env.RAW, counter);
  const summary = countingKV(
    (env as unknown as { NAIVE_SUMMARY: KVNamespace }).NAIVE_SUMMARY,
    counter,
  );
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await raw.list({ cursor });
    names.push(...page.keys.map((k) => k.name));
    if (page.list_complete) break;
    cursor = page.cursor;
  }
  const systems: SystemRecord[] = [];
  for (const name of names) {
    const { metadata } = await raw.getWithMetadata(name);
    const meta = parseMeta(metadata);
    const facts = meta && factsFromMeta(meta);
    if (meta && facts) systems.push({ firstSeen: meta.f, lastCheckIn: meta.l, facts });
  }
  const config = parseSummaryConfig({ persistentMinAgeDays: "1" });
  const result = summarizeDay(day, systems, config);
  let writes = 0;
  for (const [key, value] of result.points) {
    const before = ((await summary.get(key, "json")) as [number, number][] | null) ?? [];
    await summary.put(key, JSON.stringify([...before.filter((p) => p[0] !== day), [day, value]]));
    writes++;
  }
  return {
    systems: result.systems,
    kvOps: counter.ops,
    ms: Date.now() - started,
    writes,
    pending: 0,
  };
}
