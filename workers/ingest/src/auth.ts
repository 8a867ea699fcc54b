/**
 * Who may run a summary through the dev `PUT /` (docs/contract.md#5-dev-only-summary-trigger): on the local stack anyone (it
 * listens on 127.0.0.1 only); on the deployed dev worker whoever presents the bearer token kept
 * in the SUMMARY_TRIGGER_TOKEN secret. Without the secret nobody may (fail closed).
 */
import { type Problem, SECRET, VAR } from "@pulp-analytics/shared/config";
import type { IngestEnv } from "@pulp-analytics/shared/env";

export interface Refusal {
  problem: Problem;
  /** For the log line: why, never the token. */
  log: string;
}

const refusal = (log: string): Refusal => ({
  problem: {
    status: 401,
    error: "PUT / needs Authorization: Bearer <the dev summary trigger token>",
  },
  log,
});

/** null when the request may trigger a summary, else why not. */
export async function authorizeTrigger(
  env: IngestEnv,
  authorization: string | undefined,
): Promise<Refusal | null> {
  if (env[VAR.LOCAL_STACK] === "true") return null;
  const secret = env[SECRET.SUMMARY_TRIGGER_TOKEN];
  if (!secret) return refusal(`no ${SECRET.SUMMARY_TRIGGER_TOKEN} secret: the trigger is closed`);
  const presented = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (presented === undefined) return refusal("no bearer token");
  return (await sameSecret(presented, secret)) ? null : refusal("wrong bearer token");
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison always runs over 32
 * bytes: neither the content nor the length of the secret leaks through timing.
 */
async function sameSecret(presented: string, secret: string): Promise<boolean> {
  const digest = async (text: string) =>
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const [a, b] = await Promise.all([digest(presented), digest(secret)]);
  return crypto.subtle.timingSafeEqual(a, b);
}
