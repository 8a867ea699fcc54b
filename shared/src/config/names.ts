/**
 * One name per idea: binding names, configuration variables, headers, routes and limits that
 * more than one worker (or a worker and its tests) refer to. Import these; never retype them.
 */

/** KV and service binding names, exactly as they appear in each worker's wrangler.jsonc. */
export const BINDING = {
  /** KV: one key per installation (system id), written by ingest, read by the summarizer. */
  RAW: "RAW",
  /** KV: one key per published series plus the summarizer's bookkeeping keys. */
  SUMMARY: "SUMMARY",
  /** Service binding from ingest to the site worker (GET/HEAD). */
  SITE: "SITE",
  /** Service binding from ingest to the summarizer: dev environment only. */
  SUMMARIZER: "SUMMARIZER",
  /** Workers Rate Limiting binding of ingest: check-ins per client address (IPv6: per /64). */
  CHECKIN_LIMITER: "CHECKIN_LIMITER",
  /** Workers Rate Limiting binding of ingest: check-ins per IPv6 /56. */
  CHECKIN_LIMITER_56: "CHECKIN_LIMITER_56",
  /** Workers Rate Limiting binding of ingest: check-ins per IPv6 /48. */
  CHECKIN_LIMITER_48: "CHECKIN_LIMITER_48",
  /**
   * Durable Object of ingest (`AdmissionBudget`): new installations admitted per network and
   * UTC day, and in all (docs/architecture.md#admission).
   */
  ADMISSION: "ADMISSION",
  /** Durable Object of the summarizer: one summary run at a time per SUMMARY. */
  SUMMARY_LOCK: "SUMMARY_LOCK",
  /** Workflow of the summarizer: every summary run, one step per invocation. */
  SUMMARY_RUN: "SUMMARY_RUN",
} as const;

/** Plain-text configuration variables (`vars` in wrangler.jsonc). */
export const VAR = {
  /** "dev" or "production": which rules apply (pre-release versions, the PUT trigger). */
  ENVIRONMENT: "ENVIRONMENT",
  /** "true" lets ingest take the check-in time from {@link HEADER.SIMULATED_TIME} (local stack only). */
  ALLOW_SIMULATED_TIME: "ALLOW_SIMULATED_TIME",
  /** Whole days a system must have been known before day D to count as persistent on D. */
  PERSISTENT_MIN_AGE_DAYS: "PERSISTENT_MIN_AGE_DAYS",
  /**
   * Whole days an installation must have been known, and check-in days it needs within them, to
   * be established on a day (privacy.ts): the joint series' population.
   */
  ESTABLISHED_MIN_AGE_DAYS: "ESTABLISHED_MIN_AGE_DAYS",
  ESTABLISHED_MIN_CHECK_IN_DAYS: "ESTABLISHED_MIN_CHECK_IN_DAYS",
  /** Comma-separated component names that may be published (the summarizer and ingest). */
  PUBLISHED_COMPONENTS: "PUBLISHED_COMPONENTS",
  /**
   * "true" on the local stack only: the dev `PUT /` then asks for no token, and the site caches
   * nothing. scripts/lib/stack.ts passes it to ingest with --var, which wrangler dev gives only
   * its first worker; the site reads it from workers/site/.dev.vars.dev, which only wrangler dev
   * reads. No wrangler.jsonc may set it.
   */
  LOCAL_STACK: "LOCAL_STACK",
  /** Ingest: new installations admitted per IPv4 /24 or IPv6 /48 per UTC day (whole number). */
  ADMISSION_PER_NETWORK: "ADMISSION_PER_NETWORK",
  /** Ingest: new installations admitted per UTC day in all, at least (whole number). */
  ADMISSION_FLOOR: "ADMISSION_FLOOR",
  /**
   * Ingest: new installations admitted per UTC day in all, as a share of the known ones that
   * checked in the day before, when that is more than the floor (a decimal, e.g. `0.05`).
   */
  ADMISSION_SHARE: "ADMISSION_SHARE",
} as const;

/** Secrets (`wrangler secret put`), never in a config file. */
export const SECRET = {
  /** Dev ingest: the bearer token `PUT /` must present (docs/contract.md#5-dev-only-summary-trigger). */
  SUMMARY_TRIGGER_TOKEN: "SUMMARY_TRIGGER_TOKEN",
} as const;

export const ENVIRONMENTS = ["dev", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const HEADER = {
  /** Local stack only: the check-in time to record instead of the clock (ISO 8601). */
  SIMULATED_TIME: "X-Pulp-Analytics-Time",
} as const;

/** Worker names; stable across environments so service bindings resolve. */
export const WORKER_NAME = {
  ingest: "pulp-analytics-ingest",
  summarizer: "pulp-analytics-summarizer",
  site: "pulp-analytics-site",
} as const;

export const DAY_MS = 86_400_000;

/** RAW entries expire unless renewed by a check-in (docs/contract.md#2-ingest-of-check-ins). */
export const RAW_TTL_SECONDS = 60 * 24 * 60 * 60;

/**
 * The largest request body ingest reads. Real check-ins are under 2 KiB; the largest one the
 * schema can accept (100 components with 64-character names and 32-character versions, every
 * optional fact) is about 10.5 KB as protobuf and 13 KB as compact JSON, so 16 KiB refuses
 * nothing valid and stops a client from making us read, hold and parse more than that.
 */
export const MAX_BODY_BYTES = 16 * 1024;

/** Cloudflare's limit on the metadata of one KV key, serialized as JSON. */
export const MAX_METADATA_BYTES = 1024;

/** The nightly summary: 00:00 UTC, summarizing the day that just ended. */
export const SUMMARY_CRON = "0 0 * * *";

/**
 * The converging run, ten minutes after the nightly one: it summarizes the day that ended once
 * more. RAW's `list()` is eventually consistent (a write can take up to 60 s to be listed
 * everywhere), so the 00:00 run can miss check-ins of the day's last moments; by 00:10 they are
 * listed, and this run counts them (docs/contract.md#the-nightly-runs). It also finishes a
 * failed nightly run's writes, as a finishing run does. A run over the same RAW writes nothing.
 */
export const CONVERGE_CRON = "10 0 * * *";

/**
 * Finishing runs, after the converging one: when a run failed part way (a KV write threw), the
 * first of them writes what its journal still holds, so the night is whole within the hour
 * instead of the next night. With nothing pending each costs one `list()`.
 */
export const FINISH_CRON = "20,30,40,50 0 * * *";

/**
 * Series a group did not have before a day that may enter it that day, the largest counts first.
 * A real night brings a few (a new release's x.y and patch versions); a flood of invented
 * versions from fake installations then mints at most this many keys a group a night, and never
 * holds back a real series of another group (docs/architecture.md, "Threat model"). The load
 * test floods against it.
 */
export const MAX_NEW_SERIES_PER_GROUP = 20;
