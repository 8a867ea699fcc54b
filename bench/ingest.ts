/**
 * Ingest through the local stack: autocannon against the front door, `POST /` (protobuf, and
 * the protobuf JSON mapping) next to the cheapest answer of the same stack (`DELETE /` → 405),
 * same connections and duration, each after a short warm-up. Every stored POST carries a system
 * id not seen before, so each one costs what a real first check-in of the day costs: one KV read
 * and one KV write (SQLite and blob files on disk, locally). Two more POST runs split that cost:
 * a body rejected by validation (decode and validate, no KV) and a repeat of an already stored
 * check-in (decode, validate and one KV read, no write).
 */

import { distinctId, withId } from "@pulp-analytics/fixtures/bodies";
import { populationTemplates } from "@pulp-analytics/fixtures/population";
import type { BodyFormat } from "@pulp-analytics/shared/checkin";
import autocannon, { type Result } from "autocannon";

const CONNECTIONS = 32;
const DURATION_S = 10;
const WARM_UP_S = 2;
const POOL = 5_000;
// 36 characters like a UUID, so it fits the templates' id slot, but not a UUID: a 400.
const NOT_A_UUID = "this-is-not-a-uuid-but-it-is-36-long";

interface Load {
  name: string;
  expected: number;
  result: Result;
}

/** Each run numbers its ids from its own range, so no id is posted twice across runs. */
let runs = 0;

interface PostOptions {
  duration?: number;
  amount?: number;
  /** The id of request `i`; by default a new one per request. */
  id?: (i: number) => string;
}

function posts(origin: string, form: BodyFormat, options: PostOptions): Promise<Result> {
  const pool = populationTemplates(form, POOL);
  const run = ++runs;
  const id = options.id ?? ((i: number) => distinctId(run, i));
  let n = 0;
  const type = pool[0]?.contentType;
  return autocannon({
    url: origin,
    connections: CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
    requests: [
      {
        method: "POST",
        path: "/",
        headers: type ? { "content-type": type } : {},
        setupRequest: (request) => {
          const i = n++;
          return { ...request, body: withId(pool[i % POOL] as (typeof pool)[number], id(i)) };
        },
      },
    ],
  });
}

/** POSTs that repeat check-ins stored just before: same bodies, same day, nothing to write. */
async function repeats(origin: string, form: BodyFormat, duration: number): Promise<Result> {
  const run = ++runs;
  const id = (i: number) => distinctId(run, i % POOL);
  const stored = await posts(origin, form, { amount: POOL, id });
  if ((stored.statusCodeStats["200"]?.count ?? 0) !== POOL) throw new Error("priming failed");
  return posts(origin, form, { duration, id });
}

const refusals = (origin: string, duration: number) =>
  autocannon({ url: origin, connections: CONNECTIONS, duration, method: "DELETE" });

async function measured(
  name: string,
  expected: number,
  start: (duration: number) => Promise<Result>,
): Promise<Load> {
  await start(WARM_UP_S);
  const result = await start(DURATION_S);
  console.error(`ingest: ${name} measured`);
  return { name, expected, result };
}

const perSecond = (r: Result) => r.requests.total / r.duration;

/** Requests answered with anything but the expected status, plus socket errors and timeouts. */
const unexpected = (load: Load) =>
  load.result.requests.total -
  (load.result.statusCodeStats[String(load.expected)]?.count ?? 0) +
  load.result.errors;

export async function benchIngest(origin: string): Promise<string> {
  // The 405 runs before and after the POSTs: their mean is the base, their spread shows the noise.
  const before = await measured("DELETE / → 405 (before)", 405, (d) => refusals(origin, d));
  const protobuf = await measured("POST / protobuf → 200 stored", 200, (duration) =>
    posts(origin, "protobuf", { duration }),
  );
  const json = await measured("POST / protobuf JSON → 200 stored", 200, (duration) =>
    posts(origin, "protojson", { duration }),
  );
  const invalid = await measured("POST / protobuf, id not a UUID → 400", 400, (duration) =>
    posts(origin, "protobuf", { duration, id: () => NOT_A_UUID }),
  );
  const repeated = await measured("POST / protobuf, repeat → 200 unchanged", 200, (duration) =>
    repeats(origin, "protobuf", duration),
  );
  const after = await measured("DELETE / → 405 (after)", 405, (d) => refusals(origin, d));
  const base = (perSecond(before.result) + perSecond(after.result)) / 2;
  const rows = [before, protobuf, json, invalid, repeated, after].map((load) => {
    const r = load.result;
    const ratio = load.name.startsWith("POST") ? `**${(perSecond(r) / base).toFixed(2)}**` : "";
    return `| ${load.name} | ${r.requests.total.toLocaleString("en")} | ${perSecond(r).toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${unexpected(load)} | ${r["5xx"]} | ${ratio} |`;
  });
  return [
    `${CONNECTIONS} connections, ${DURATION_S} s each after a ${WARM_UP_S} s warm-up. A stored POST is a system id not seen before (1 KV read + 1 KV write); the 400 does no KV call; the repeat does 1 KV read (the same ${POOL.toLocaleString("en")} check-ins, stored just before, over and over); the 405 does nothing.`,
    "",
    "| request | requests | req/s | p50 ms | p99 ms | not the expected status or errors | 5xx | req/s ÷ 405's (mean of both) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
