/** Property: no body, however random, gets a 5xx, and a rejected body writes nothing. */
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { post, testEnv } from "./helpers";
import { encode, protoJson, release323 } from "./payloads";

const contentTypes = fc.constantFrom(
  "application/octet-stream",
  "application/json",
  "application/json; charset=utf-8",
  "application/x-protobuf",
  "text/plain",
  "",
);

async function check(body: Uint8Array | string, contentType: string): Promise<void> {
  const keysBefore = (await testEnv.RAW.list()).keys.length;
  const res = await post(body, contentType ? { "Content-Type": contentType } : {});
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
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), contentTypes, check), {
      numRuns: 300,
    });
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
