/**
 * The summarizer benchmark's worker, run by Miniflare with in-memory KV: it seeds RAW, then runs
 * either our summarizer or a naive one (the predecessor's design: list, then read every key).
 */
import type { SummarizerEnv } from "../shared/src/env";
import { versionsXyzKey } from "../shared/src/keys";
import { encodeMeta, factsFromMeta, parseMeta } from "../shared/src/metadata";
import { DAY_MS } from "../shared/src/names";
import { parseSummaryConfig, type SystemRecord, summarizeDay } from "../shared/src/summary";
import { countingKV, type OpCounter } from "../workers/summarizer/src/kv";
import { finishPending, summarize } from "../workers/summarizer/src/run";
import { recordOf, systemId } from "./population";

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
    if (url.pathname === "/history") {
      // Years of history: `series` extra series, one point a day for `days` days before `day`.
      const series = Number(url.searchParams.get("series"));
      const days = Number(url.searchParams.get("days"));
      const points = Array.from({ length: days }, (_, d) => [
        day - (days - d) * DAY_MS,
        1 + (d % 97),
      ]);
      const text = JSON.stringify(points);
      for (let i = 0; i < series; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, series - i) }, (_, k) =>
            env.SUMMARY.put(versionsXyzKey("history", `1.${i + k}.0`), text),
          ),
        );
      }
      return new Response("seeded");
    }
    if (url.pathname === "/ours") {
      // The worker's own budget (900 operations) unless the benchmark lifts it.
      const budget = url.searchParams.get("budget");
      const options = budget ? { now: day, opsBudget: Number(budget) } : { now: day };
      const result = await summarize(env, day, options);
      return Response.json({
        ...result.report,
        writes: result.seriesWrites,
        pending: result.pendingWrites,
      });
    }
    if (url.pathname === "/finish") {
      const result = await finishPending(env, { now: day });
      return Response.json({
        ...result,
        systems: 0,
        writes: result.seriesWrites,
        pending: result.pendingWrites,
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
