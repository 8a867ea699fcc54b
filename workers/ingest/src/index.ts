/**
 * The ingest worker: the front door of the analytics origin (docs/contract.md#1-one-origin-three-workers, #2-ingest-of-check-ins). A thin shell around
 * shared/: limit the client's rate, read the body, decode and validate it, admit a new
 * installation against its budgets (./admission.ts), store it in RAW with compact metadata. Every
 * answer of its own carries the security headers.
 */

import {
  BINDING,
  HEADER,
  MAX_BODY_BYTES,
  type Problem,
  parseCheckInTime,
  problemResponse,
  startOfUtcDay,
  VAR,
  withSecurityHeaders,
} from "@pulp-analytics/shared/config";
import type { IngestEnv } from "@pulp-analytics/shared/env";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ADMISSION_NAME, type AdmissionBudget, readBudgets } from "./admission";
import { authorizeTrigger } from "./auth";
import { admissionNetwork, ipv6Prefix, limiterKey } from "./limiter";
import { type Admission, type Outcome, storeCheckIn } from "./store-checkin";

export { AdmissionBudget } from "./admission";

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

/** A client that is over its limit waits for the limiter's next period (60 s). */
const RATE_LIMIT_RETRY_SECONDS = 60;

// GET and HEAD are the site's answers, with the site's headers (its page has its own CSP);
// every other answer is ingest's own, or the summarizer's report, and is secured here.
app.use("*", async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") c.res = withSecurityHeaders(c.res);
});

app.post(
  "/",
  async (c, next) => {
    // Before the body is read: a client over its limit costs no parsing and no KV call. The
    // address is the limiters' key and nothing else (docs/contract.md#2-ingest-of-check-ins:
    // never stored or logged). IPv6 clients count per /64, /56 and /48 at once.
    if (await withinRate(c.env, c.req.header("CF-Connecting-IP"))) return next();
    return answer({
      status: 429,
      outcome: "limited",
      problem: {
        status: 429,
        error: `too many check-ins from this address or its network; retry in ${RATE_LIMIT_RETRY_SECONDS} seconds`,
      },
    });
  },
  async (c, next) => {
    // pulpcore never encodes its body; a gzip or deflate body would otherwise be read as a
    // broken protobuf. Refused before it is read (docs/contract.md#2-ingest-of-check-ins).
    const encoding = c.req.header("Content-Encoding");
    if (encoding === undefined || /^\s*(identity\s*)?$/i.test(encoding)) return next();
    return answer(
      {
        status: 415,
        outcome: "rejected",
        problem: {
          status: 415,
          error:
            "the body must not be content-encoded; send it as it is (Content-Encoding: identity)",
          issues: [{ path: "", message: `Content-Encoding: ${encoding.slice(0, 64)}` }],
        },
      },
      undefined,
      { "Accept-Encoding": "identity" },
    );
  },
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
    const admission = admissionOf(c.env, c.req.header("CF-Connecting-IP"), now);
    const outcome = await storeCheckIn(c.env[BINDING.RAW], admission, {
      body,
      contentType: c.req.header("Content-Type") ?? null,
      now,
      production: isProduction(c.env),
      publishedComponents: c.env[VAR.PUBLISHED_COMPONENTS],
    });
    return answer(outcome, body.byteLength);
  },
);

app.on(["GET", "HEAD"], "*", (c) => c.env[BINDING.SITE].fetch(c.req.raw));

app.put("/", async (c) => {
  const target = summarizer(c.env);
  if (!target) return methodNotAllowed(allowedOnRoot(c.env));
  const refused = await authorizeTrigger(c.env, c.req.header("Authorization"));
  if (refused) {
    log({ event: "trigger", status: 401, error: refused.log });
    return problemResponse(refused.problem, { "WWW-Authenticate": 'Bearer realm="summary"' });
  }
  // The token has done its job here: the summarizer never sees it.
  const forwarded = new Request(c.req.raw);
  forwarded.headers.delete("Authorization");
  return target.fetch(forwarded);
});

app.all("/", (c) => methodNotAllowed(allowedOnRoot(c.env)));
app.all("*", () => methodNotAllowed("GET, HEAD"));

app.onError((error) => {
  // Reached only by a bug or a failing binding: answer like any other error, never a stack trace.
  log({ status: 503, outcome: "error", error: String(error) });
  return withSecurityHeaders(
    problemResponse(
      { status: 503, error: "temporarily unavailable, retry later" },
      { "Retry-After": "60" },
    ),
  );
});

/**
 * The admission budget as this check-in sees it: its network and UTC day, the one
 * `AdmissionBudget` instance, the environment's budgets. The network goes to the Durable Object
 * as an argument and nowhere else: it hashes it under a daily key and forgets it.
 */
function admissionOf(env: IngestEnv, address: string | undefined, now: number): Admission {
  const day = startOfUtcDay(now);
  const stub = () => {
    const namespace = env[BINDING.ADMISSION];
    return namespace.get(
      namespace.idFromName(ADMISSION_NAME),
    ) as DurableObjectStub<AdmissionBudget>;
  };
  return {
    admit: async () => stub().admit(day, admissionNetwork(address), readBudgets(env)),
    seen: () =>
      Promise.resolve()
        .then(() => stub().seen(day))
        .catch((error: unknown) => {
          // The day's population is one short: its next day's global budget may be too.
          console.log(JSON.stringify({ event: "admission", error: String(error) }));
        }),
  };
}

/**
 * Whether every limiter that applies lets this address post now. A limiter failing must not cost
 * real installations their check-in: it counts as a yes.
 */
async function withinRate(env: IngestEnv, address: string | undefined): Promise<boolean> {
  const checks: [RateLimit | undefined, string | null][] = [
    [env[BINDING.CHECKIN_LIMITER], limiterKey(address)],
    [env[BINDING.CHECKIN_LIMITER_56], ipv6Prefix(address, 56)],
    [env[BINDING.CHECKIN_LIMITER_48], ipv6Prefix(address, 48)],
  ];
  const answers = await Promise.all(
    checks.map(([limiter, key]) =>
      limiter && key !== null
        ? Promise.resolve(key)
            .then((k) => limiter.limit({ key: k }))
            .then(
              (outcome) => outcome.success,
              () => true,
            )
        : true,
    ),
  );
  return answers.every(Boolean);
}

/**
 * The check-in time: the clock, or, where the local stack enabled it (never in production), the
 * simulated time of the X-Pulp-Analytics-Time header (docs/contract.md#7-simulated-check-in-time).
 */
function checkInTime(env: IngestEnv, header: string | undefined): number | Problem {
  if (header === undefined || isProduction(env) || env[VAR.ALLOW_SIMULATED_TIME] !== "true") {
    return Date.now();
  }
  return (
    parseCheckInTime(header) ?? {
      status: 400,
      error: `${HEADER.SIMULATED_TIME} must be an ISO 8601 time with a zone, a real calendar time from 2000-01-01 on`,
      issues: [],
    }
  );
}

const RETRY_AFTER: Partial<Record<Problem["status"], string>> = {
  429: String(RATE_LIMIT_RETRY_SECONDS),
  503: "60",
};

/** The answer to a POST /, and its one log line. */
function answer(outcome: Outcome, bytes?: number, headers?: Record<string, string>): Response {
  const problem = "problem" in outcome ? outcome.problem : undefined;
  log({
    status: outcome.status,
    outcome: outcome.outcome,
    format: outcome.format,
    bytes,
    budget: "budget" in outcome ? outcome.budget : undefined,
    error: problem?.error,
  });
  if (!problem) return Response.json({ status: "ok" });
  const retryAfter =
    "retryAfter" in outcome && outcome.retryAfter !== undefined
      ? String(outcome.retryAfter)
      : RETRY_AFTER[problem.status];
  return problemResponse(problem, {
    ...headers,
    ...(retryAfter ? { "Retry-After": retryAfter } : {}),
  });
}

/** One JSON line per outcome; never the system id, the address, a token or any header. */
function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ event: "checkin", ...fields }));
}

export default app;
