/**
 * Ingest through the local stack: autocannon against the front door, `POST /` (protobuf, and
 * the protobuf JSON mapping) next to the cheapest answer of the same stack (`DELETE /` → 405),
 * same connections and duration, each after a short warm-up. Every POST carries a system id not
 * seen before, so each one costs what a real first check-in of the day costs: one KV read and
 * one KV write (SQLite on disk, locally).
 */
import autocannon, { type Result } from "autocannon";
import { contentTypeOf, distinctId, type Form, templates, withId } from "./bodies";

const CONNECTIONS = 32;
const DURATION_S = 10;
const WARM_UP_S = 2;
const POOL = 5_000;

interface Load {
  name: string;
  expected: number;
  result: Result;
}

/** Each run numbers its ids from its own range, so no id is posted twice across runs. */
let runs = 0;

function posts(origin: string, form: Form, duration: number): Promise<Result> {
  const pool = templates(form, POOL);
  const run = ++runs;
  let n = 0;
  const type = contentTypeOf(form);
  return autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: "POST",
        path: "/",
        headers: type ? { "content-type": type } : {},
        setupRequest: (request) => {
          const i = n++;
          return {
            ...request,
            body: withId(pool[i % POOL] as (typeof pool)[number], distinctId(run, i)),
          };
        },
      },
    ],
  });
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
  const protobuf = await measured("POST / protobuf → 200", 200, (d) =>
    posts(origin, "protobuf", d),
  );
  const json = await measured("POST / protobuf JSON → 200", 200, (d) =>
    posts(origin, "protojson", d),
  );
  const after = await measured("DELETE / → 405 (after)", 405, (d) => refusals(origin, d));
  const base = (perSecond(before.result) + perSecond(after.result)) / 2;
  const rows = [before, protobuf, json, after].map((load) => {
    const r = load.result;
    const ratio = load.expected === 200 ? `**${(perSecond(r) / base).toFixed(2)}**` : "";
    return `| ${load.name} | ${r.requests.total.toLocaleString("en")} | ${perSecond(r).toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${unexpected(load)} | ${r["5xx"]} | ${ratio} |`;
  });
  return [
    `${CONNECTIONS} connections, ${DURATION_S} s each after a ${WARM_UP_S} s warm-up; every POST is a system id not seen before.`,
    "",
    "| request | requests | req/s | p50 ms | p99 ms | not the expected status or errors | 5xx | req/s ÷ 405's (mean of both) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
