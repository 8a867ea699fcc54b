/**
 * The ingest worker: the front door of the analytics origin (contract §1-2). A thin shell around
 * shared/: read the body, decode and validate it, store it in RAW with compact metadata.
 */
import type { IngestEnv } from "@pulp-analytics/shared/env";
import { type Problem, problemResponse } from "@pulp-analytics/shared/errors";
import { BINDING, HEADER, MAX_BODY_BYTES, VAR } from "@pulp-analytics/shared/names";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type Outcome, storeCheckIn } from "./store";

const app = new Hono<{ Bindings: IngestEnv }>();

const isProduction = (env: IngestEnv) => env[VAR.ENVIRONMENT] === "production";

/** Where PUT / may go: the dev environment's summarizer binding, never production. */
function summarizer(env: IngestEnv): Fetcher | undefined {
  return isProduction(env) ? undefined : env[BINDING.SUMMARIZER];
}

function allowedOnRoot(env: IngestEnv): string {
  return summarizer(env) ? "GET, HEAD, POST, PUT" : "GET, HEAD, POST";
}

const methodNotAllowed = (allow: string): Response =>
  problemResponse(
    { status: 405, error: `method not allowed; allowed: ${allow}` },
    { Allow: allow },
  );

app.post(
  "/",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () =>
      answer({
        status: 413,
        outcome: "rejected",
        problem: { status: 413, error: `the body is larger than ${MAX_BODY_BYTES} bytes` },
      }),
  }),
  async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const now = checkInTime(c.env, c.req.header(HEADER.SIMULATED_TIME));
    if (typeof now !== "number") return answer({ status: 400, outcome: "rejected", problem: now });
    const outcome = await storeCheckIn(c.env[BINDING.RAW], {
      body,
      contentType: c.req.header("Content-Type") ?? null,
      now,
      production: isProduction(c.env),
    });
    return answer(outcome, body.byteLength);
  },
);

app.on(["GET", "HEAD"], "*", (c) => c.env[BINDING.SITE].fetch(c.req.raw));

app.put("/", (c) => {
  const target = summarizer(c.env);
  return target ? target.fetch(c.req.raw) : methodNotAllowed(allowedOnRoot(c.env));
});

app.all("/", (c) => methodNotAllowed(allowedOnRoot(c.env)));
app.all("*", () => methodNotAllowed("GET, HEAD"));

app.onError((error) => {
  // Reached only by a bug or a failing binding: answer like any other error, never a stack trace.
  log({ status: 503, outcome: "error", error: String(error) });
  return problemResponse(
    { status: 503, error: "temporarily unavailable, retry later" },
    { "Retry-After": "60" },
  );
});

/**
 * The check-in time: the clock, or, where the local stack enabled it (never in production), the
 * simulated time of the X-Pulp-Analytics-Time header (contract §7).
 */
function checkInTime(env: IngestEnv, header: string | undefined): number | Problem {
  const now = Date.now();
  if (header === undefined || isProduction(env) || env[VAR.ALLOW_SIMULATED_TIME] !== "true") {
    return now;
  }
  const simulated = Date.parse(header);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(header) || Number.isNaN(simulated)) {
    return { status: 400, error: `${HEADER.SIMULATED_TIME} must be an ISO 8601 time`, issues: [] };
  }
  return simulated;
}

/** The answer to a POST /, and its one log line. */
function answer(outcome: Outcome, bytes?: number): Response {
  const problem = "problem" in outcome ? outcome.problem : undefined;
  log({
    status: outcome.status,
    outcome: outcome.outcome,
    format: outcome.format,
    bytes,
    error: problem?.error,
  });
  if (!problem) return Response.json({ status: "ok" });
  return problemResponse(problem, problem.status === 503 ? { "Retry-After": "60" } : undefined);
}

/** One JSON line per outcome; never the system id, the address or any header. */
function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ event: "checkin", ...fields }));
}

export default app;
