/** POST / after the body is read: decode, validate, apply the environment's rules, store. */
import {
  type BodyFormat,
  decodeCheckIn,
  preReleaseComponents,
} from "@pulp-analytics/shared/checkin";
import {
  DAY_MS,
  type Problem,
  RAW_TTL_SECONDS,
  startOfUtcDay,
} from "@pulp-analytics/shared/config";
import { checkInDays, parseMeta, planWrite } from "@pulp-analytics/shared/raw";
import { parseSummaryConfig } from "@pulp-analytics/shared/summary";
import type { Admitted } from "./admission";

export interface CheckInRequest {
  body: Uint8Array;
  contentType: string | null;
  /** Check-in time, epoch ms. */
  now: number;
  production: boolean;
  /** The PUBLISHED_COMPONENTS variable, read exactly as the summarizer reads it. */
  publishedComponents: string | undefined;
}

/** The new installations' budget (docs/architecture.md#admission), as ingest reaches it. */
export interface Admission {
  /** Asked for a system id RAW does not hold: may it be stored now? Throws if it cannot tell. */
  admit(): Promise<Admitted>;
  /**
   * Told of a known installation's first check-in of its UTC day (one call a day each); never
   * rejects: a failure costs the day's population one, never the check-in.
   */
  seen(): Promise<void>;
}

export type Outcome =
  | { status: 200; outcome: "stored" | "unchanged"; format: BodyFormat }
  | {
      status: Problem["status"];
      outcome: "rejected" | "unavailable" | "limited" | "refused-new";
      problem: Problem;
      format?: BodyFormat;
      /** Retry-After in seconds, where it is not the status's usual one. */
      retryAfter?: number;
      /** refused-new: which budget was spent. */
      budget?: "network" | "global";
    };

export async function storeCheckIn(
  raw: KVNamespace,
  admission: Admission,
  request: CheckInRequest,
): Promise<Outcome> {
  const decoded = decodeCheckIn(request.body, request.contentType);
  if (!decoded.ok) return rejected(decoded.problem);
  const { checkIn, format } = decoded.value;

  if (request.production) {
    const preReleases = preReleaseComponents(checkIn);
    if (preReleases.length > 0) {
      return rejected(
        {
          status: 422,
          error:
            "pre-release versions are not accepted here; installations running them report to the dev deployment (dev.analytics.pulpproject.org)",
          issues: preReleases.map((c) => ({
            path: `components.${checkIn.components.indexOf(c)}.version`,
            message: `${c.name} ${c.version} is not a release version N.N.N`,
          })),
        },
        format,
      );
    }
  }

  let stored: KVNamespaceGetWithMetadataResult<ArrayBuffer, unknown>;
  try {
    stored = await raw.getWithMetadata(checkIn.systemId, "arrayBuffer");
  } catch {
    return unavailable(format);
  }

  // A system id RAW does not hold is a new installation: stored only within the budgets, and
  // refused (fail closed) when they cannot be asked. A known one never asks.
  const known = stored.value !== null;
  if (!known) {
    let admitted: Admitted;
    try {
      admitted = await admission.admit();
    } catch {
      return {
        status: 503,
        outcome: "unavailable",
        format,
        problem: { status: 503, error: "new installations cannot be admitted now, retry later" },
      };
    }
    if (!admitted.ok) return refusedNew(admitted.budget, request.now, format);
  }

  try {
    const plan = planWrite(known ? stored : null, {
      checkIn,
      now: request.now,
      published: parseSummaryConfig({ publishedComponents: request.publishedComponents })
        .publishedComponents,
    });
    if (plan.write) {
      // The check-in as understood, never the body as sent (docs/contract.md#2-ingest-of-check-ins).
      await raw.put(checkIn.systemId, plan.value, {
        expirationTtl: RAW_TTL_SECONDS,
        metadata: plan.meta,
      });
    }
    if (known && !checkedInOn(stored.metadata, request.now)) await admission.seen();
    return { status: 200, outcome: plan.write ? "stored" : "unchanged", format };
  } catch {
    // KV refused or failed (e.g. more than one write per second to this key): nothing or the
    // previous check-in is stored, never half of one; the client may simply retry.
    return unavailable(format);
  }
}

/** Whether stored metadata already records a check-in on the UTC day of `now`. */
function checkedInOn(metadata: unknown, now: number): boolean {
  const meta = parseMeta(metadata);
  return meta !== null && checkInDays(meta).includes(startOfUtcDay(now));
}

function unavailable(format: BodyFormat): Outcome {
  return {
    status: 503,
    outcome: "unavailable",
    format,
    problem: { status: 503, error: "storage is temporarily unavailable, retry later" },
  };
}

/** Over a budget of new installations: retry on the next UTC day, when the budgets start again. */
function refusedNew(budget: "network" | "global", now: number, format: BodyFormat): Outcome {
  const error =
    budget === "network"
      ? "too many new installations from this network today; installations already known are not affected; retry after 00:00 UTC"
      : "too many new installations today; installations already known are not affected; retry after 00:00 UTC";
  return {
    status: 429,
    outcome: "refused-new",
    format,
    budget,
    problem: { status: 429, error },
    retryAfter: Math.max(1, Math.ceil((startOfUtcDay(now) + DAY_MS - now) / 1000)),
  };
}

function rejected(problem: Problem, format?: BodyFormat): Outcome {
  return { status: problem.status, outcome: "rejected", problem, format };
}
