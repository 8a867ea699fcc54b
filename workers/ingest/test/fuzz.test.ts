/** Property: no body, however random, gets a 5xx, and a rejected body writes nothing. */

import { COMPONENT_VERSION } from "@pulp-analytics/shared/checkin";
import { parseMeta } from "@pulp-analytics/shared/raw";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { post, testEnv, worker } from "./helpers";
import { encode, ids, protoJson, release323 } from "./payloads";
import { TEST_TRIGGER_TOKEN } from "./token";

const contentTypes = fc.constantFrom(
  "application/octet-stream",
  "application/json",
  "application/json; charset=utf-8",
  "application/x-protobuf",
  "text/plain",
  "",
);

async function check(
  body: Uint8Array | string,
  contentType: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const keysBefore = (await testEnv.RAW.list()).keys.length;
  const res = await post(body, {
    ...(contentType ? { "Content-Type": contentType } : {}),
    ...extra,
  });
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const answer = (await res.json()) as Record<string, unknown>;
  if (res.status === 200) {
    expect(answer).toEqual({ status: "ok" });
  } else {
    expect(typeof answer.error).toBe("string");
    expect((await testEnv.RAW.list()).keys.length).toBe(keysBefore);
  }
}

const valid = encode(release323);

// One log line per request is right in production and only noise across a thousand runs here.
beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});

describe("random bodies never yield a 5xx", { timeout: 120_000 }, () => {
  it("random bytes under any content type", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), contentTypes, (b, t) => check(b, t)),
      {
        numRuns: 300,
      },
    );
  });

  it("a valid protobuf with random bytes overwritten", async () => {
    const mutated = fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((edits) => {
        const copy = valid.slice();
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });
    await fc.assert(
      fc.asyncProperty(mutated, (body) => check(body, "application/octet-stream")),
      { numRuns: 200 },
    );
  });

  it("random JSON documents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ depthSize: "medium" }), (text) => check(text, "application/json")),
      { numRuns: 150 },
    );
  });

  it("the protobuf JSON mapping with random values in its fields", async () => {
    const field = fc.constantFrom(...Object.keys(protoJson));
    await fc.assert(
      fc.asyncProperty(field, fc.jsonValue(), (key, value) =>
        check(JSON.stringify({ ...protoJson, [key]: value }), "application/json"),
      ),
      { numRuns: 150 },
    );
  });
});

// Generous: these run beside every other project on a shared two-core machine.
describe("what the abuse reproductions taught, randomised", { timeout: 300_000 }, () => {
  it("any component version: no 5xx, and stored only when canonical", async () => {
    const version = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .array(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 25n })), {
          minLength: 1,
          maxLength: 6,
        })
        .map((parts) => parts.join(".")),
      fc.stringMatching(/^0\d{1,3}\.\d{1,3}\.\d{1,3}$/),
      fc.tuple(fc.constantFrom("3.40.0", "1.0.0"), fc.string()).map(([v, l]) => `${v}+${l}`),
    );
    await fc.assert(
      fc.asyncProperty(version, async (v) => {
        const body = encode({ ...release323, components: [{ name: "core", version: v }] });
        await check(body, "application/octet-stream");
        const stored = parseMeta((await testEnv.RAW.getWithMetadata(ids.v7)).metadata);
        if (stored) expect(COMPONENT_VERSION.test(stored.c?.[0]?.[1] ?? "")).toBe(true);
        await testEnv.RAW.delete(ids.v7);
      }),
      { numRuns: 80 },
    );
  });

  it("any PostgreSQL number: no 5xx, stored only within 70000..999999 or 0", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 32 - 1 }), async (pg) => {
        const body = encode({ ...release323, postgresqlVersion: pg });
        const res = await post(body);
        expect(res.status).toBe(pg === 0 || (pg >= 70_000 && pg <= 999_999) ? 200 : 400);
        await res.arrayBuffer();
        await testEnv.RAW.delete(ids.v7);
      }),
      { numRuns: 60 },
    );
  });

  it("any X-Pulp-Analytics-Time: no 5xx; a refused time writes nothing", async () => {
    const time = fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer().map(String),
    );
    await fc.assert(
      fc.asyncProperty(time, (t) =>
        check(valid, "application/octet-stream", { "X-Pulp-Analytics-Time": t }),
      ),
      { numRuns: 80 },
    );
  });

  it("any Authorization on PUT /: 200 with the token, else 401, never a 5xx", async () => {
    const header = fc.oneof(
      fc.string(),
      fc.string().map((t) => `Bearer ${t}`),
      fc.constant(`Bearer ${TEST_TRIGGER_TOKEN}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const res = await worker.fetch("http://analytics.test/", {
          method: "PUT",
          headers: { Authorization: authorization },
        });
        expect(res.status).toBe(
          authorization.trim() === `Bearer ${TEST_TRIGGER_TOKEN}` ? 200 : 401,
        );
        await res.arrayBuffer();
      }),
      { numRuns: 80 },
    );
  });
});
