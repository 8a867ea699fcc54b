/**
 * Contract §7: simulated check-in time exists only on the local stack. The production build
 * records the real clock whatever X-Pulp-Analytics-Time says, even if someone set
 * ALLOW_SIMULATED_TIME on a production deployment.
 */

import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { create, toBinary } from "@bufbuild/protobuf";
import { AnalyticsSchema } from "@pulp-analytics/shared/checkin";
import { HEADER, VAR } from "@pulp-analytics/shared/config";
import type { IngestEnv } from "@pulp-analytics/shared/env";
import { parseMeta } from "@pulp-analytics/shared/raw";
import { afterEach, expect, it } from "vitest";
import app from "../../src/index";

const testEnv = env as unknown as IngestEnv;
const deployed = (exports as unknown as { default: Fetcher }).default;

const SYSTEM_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const PAST = "2024-03-01T09:30:00Z";
// Generous for a slow CI machine, tiny next to the years between PAST and now.
const CLOCK_TOLERANCE_MS = 5_000;

function checkIn(): Uint8Array {
  return toBinary(
    AnalyticsSchema,
    create(AnalyticsSchema, {
      systemId: SYSTEM_ID,
      components: [
        { name: "core", version: "3.85.0" },
        { name: "file", version: "3.85.0" },
      ],
      onlineWorkers: { processes: 2, hosts: 1 },
      onlineContentApps: { processes: 2, hosts: 1 },
      postgresqlVersion: 160004,
    }),
  );
}

function request(): Request {
  return new Request("https://analytics.pulpproject.org/", {
    method: "POST",
    body: checkIn(),
    headers: { [HEADER.SIMULATED_TIME]: PAST },
  });
}

async function recordedTimes(): Promise<{ f: number; l: number }> {
  const { metadata } = await testEnv.RAW.getWithMetadata(SYSTEM_ID);
  const meta = parseMeta(metadata);
  if (!meta) throw new Error(`no valid RAW metadata for ${SYSTEM_ID}: ${JSON.stringify(metadata)}`);
  return meta;
}

afterEach(() => reset());

it("runs the production environment without the simulated-time switch", () => {
  expect(testEnv[VAR.ENVIRONMENT]).toBe("production");
  expect(testEnv[VAR.ALLOW_SIMULATED_TIME]).toBeUndefined();
});

it("records the real clock, not X-Pulp-Analytics-Time", async () => {
  const before = Date.now();
  const res = await deployed.fetch(request());
  expect(res.status).toBe(200);
  const { f, l } = await recordedTimes();
  // RAW keeps the minute (shared/src/raw/record.ts).
  expect(l).toBeGreaterThanOrEqual(before - 60_000);
  expect(l % 60_000).toBe(0);
  expect(l - Date.now()).toBeLessThanOrEqual(CLOCK_TOLERANCE_MS);
  expect(f).toBe(l);
});

it("ignores the header even if ALLOW_SIMULATED_TIME were set on production", async () => {
  const before = Date.now();
  const ctx = createExecutionContext();
  const res = await app.fetch(request(), { ...testEnv, [VAR.ALLOW_SIMULATED_TIME]: "true" }, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  const { l } = await recordedTimes();
  // RAW keeps the minute (shared/src/raw/record.ts).
  expect(l).toBeGreaterThanOrEqual(before - 60_000);
  expect(l % 60_000).toBe(0);
  expect(l - Date.now()).toBeLessThanOrEqual(CLOCK_TOLERANCE_MS);
});
