/** POST / after the body is read: decode, validate, apply the environment's rules, store. */
import {
  type BodyFormat,
  decodeCheckIn,
  preReleaseComponents,
} from "@pulp-analytics/shared/checkin";
import { type Problem, RAW_TTL_SECONDS } from "@pulp-analytics/shared/config";
import { planWrite } from "@pulp-analytics/shared/raw";
import { parseSummaryConfig } from "@pulp-analytics/shared/summary";

export interface CheckInRequest {
  body: Uint8Array;
  contentType: string | null;
  /** Check-in time, epoch ms. */
  now: number;
  production: boolean;
  /** The PUBLISHED_COMPONENTS variable, read exactly as the summarizer reads it. */
  publishedComponents: string | undefined;
}

export type Outcome =
  | { status: 200; outcome: "stored" | "unchanged"; format: BodyFormat }
  | {
      status: Problem["status"];
      outcome: "rejected" | "unavailable" | "limited";
      problem: Problem;
      format?: BodyFormat;
    };

export async function storeCheckIn(raw: KVNamespace, request: CheckInRequest): Promise<Outcome> {
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

  try {
    const stored = await raw.getWithMetadata(checkIn.systemId, "arrayBuffer");
    const plan = planWrite(stored.value === null ? null : stored, {
      checkIn,
      now: request.now,
      published: parseSummaryConfig({ publishedComponents: request.publishedComponents })
        .publishedComponents,
    });
    if (!plan.write) return { status: 200, outcome: "unchanged", format };
    // The check-in as understood, never the body as sent (docs/contract.md#2-ingest-of-check-ins).
    await raw.put(checkIn.systemId, plan.value, {
      expirationTtl: RAW_TTL_SECONDS,
      metadata: plan.meta,
    });
  } catch {
    // KV refused or failed (e.g. more than one write per second to this key): nothing or the
    // previous check-in is stored, never half of one; the client may simply retry.
    return {
      status: 503,
      outcome: "unavailable",
      format,
      problem: { status: 503, error: "storage is temporarily unavailable, retry later" },
    };
  }
  return { status: 200, outcome: "stored", format };
}

function rejected(problem: Problem, format?: BodyFormat): Outcome {
  return { status: problem.status, outcome: "rejected", problem, format };
}
