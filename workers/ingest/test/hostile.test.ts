/**
 * Bad input is normal input for a public endpoint: each body here must get a 4xx with the one
 * JSON error shape, and RAW must be exactly as it was before.
 */

import { reset } from "cloudflare:test";
import { random, bytes as randomBytes } from "@pulp-analytics/fixtures/random";
import { MAX_BODY_BYTES } from "@pulp-analytics/shared/config";
import { beforeEach, describe, expect, it } from "vitest";
import { post, testEnv } from "./helpers";
import { encode, ids, json, protoJson, release323 } from "./payloads";

const octets = { "Content-Type": "application/octet-stream" };
const valid = encode(release323);
const bytes = (...b: number[]) => Uint8Array.from(b);
const withJson = (patch: Record<string, unknown>) => JSON.stringify({ ...protoJson, ...patch });
const components = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `plugin${i}`, version: "1.0.0" }));

type Case = [name: string, body: BodyInit, headers: Record<string, string>, status: number];

const cases: Case[] = [
  // protobuf that cannot be decoded
  ["empty body", new Uint8Array(0), octets, 400],
  ["a lone tag", bytes(0x0a), octets, 400],
  ["a valid message cut in half", valid.slice(0, Math.floor(valid.length / 2)), octets, 400],
  ["random bytes", randomBytes(random(0x2545f491), 512), octets, 400],
  ["more random bytes", randomBytes(random(0x9e3779b9), 97), octets, 400],
  ["an overlong varint", bytes(0x28, ...Array(11).fill(0xff), 0x01), octets, 400],
  ["a length past the end", bytes(0x0a, 0x7f, 0x61, 0x62, 0x63), octets, 400],
  ["system id with the varint wire type", bytes(0x08, 0x01), octets, 400],
  ["field number zero", bytes(0x00, 0x01), octets, 400],
  ["an end-group with no start", bytes(0x0c), octets, 400],
  ["deeply nested groups", bytes(...Array(16_000).fill(0x3b)), octets, 400],
  ["invalid UTF-8 in the system id", bytes(0x0a, 0x03, 0xff, 0xfe, 0xfd), octets, 400],
  [
    "JSON text sent without a JSON content type",
    withJson({}),
    { "Content-Type": "text/plain" },
    400,
  ],
  // protobuf that decodes but is not a valid check-in
  ["no system id", encode({ ...release323, systemId: "" }), octets, 400],
  [
    "a system id that is not a UUID",
    encode({ ...release323, systemId: "not-a-uuid" }),
    octets,
    400,
  ],
  ["a UUID with trailing text", encode({ ...release323, systemId: `${ids.v7}x` }), octets, 400],
  ["no components", encode({ ...release323, components: [] }), octets, 400],
  ["101 components", encode({ ...release323, components: components(101) }), octets, 400],
  [
    "a component listed twice",
    encode({ ...release323, components: [...components(1), ...components(1)] }),
    octets,
    400,
  ],
  [
    "markup as a component name",
    encode({
      ...release323,
      components: [{ name: "<script>alert(1)</script>", version: "1.0.0" }],
    }),
    octets,
    400,
  ],
  [
    "an empty version",
    encode({ ...release323, components: [{ name: "core", version: "" }] }),
    octets,
    400,
  ],
  [
    "a 65-character name",
    encode({ ...release323, components: [{ name: "a".repeat(65), version: "1.0.0" }] }),
    octets,
    400,
  ],
  [
    "an absurd number of workers",
    encode({ ...release323, onlineWorkers: { processes: 4_000_000_000, hosts: 1 } }),
    octets,
    400,
  ],
  ["an absurd PostgreSQL version", encode({ ...release323, postgresqlVersion: 5 }), octets, 400],
  [
    "an absurd number of users",
    encode({
      ...release323,
      rbacStats: {
        users: 4_000_000_000,
        groups: 0,
        domains: 0,
        customAccessPolicies: 0,
        customRoles: 0,
      },
    }),
    octets,
    400,
  ],
  // series-key minting: versions and PostgreSQL numbers that no release has
  ...(
    [
      "03.040.0",
      "99999999999999999999999.1.0",
      "1000000.0.0",
      "3.40.0+evil.attacker_text",
      "3.40.0-x",
      "1!3.40.0",
      `3.${"1".repeat(40)}`,
    ] as const
  ).map(
    (version): Case => [
      `the version ${version.slice(0, 40)}`,
      encode({ ...release323, components: [{ name: "core", version }] }),
      octets,
      400,
    ],
  ),
  [
    "PostgreSQL 9999999 (major 999)",
    encode({ ...release323, postgresqlVersion: 9_999_999 }),
    octets,
    400,
  ],
  ["PostgreSQL 1000000 (major 100)", withJson({ postgresqlVersion: 1_000_000 }), json, 400],
  [
    "a leading-zero version in the 3.20 JSON",
    JSON.stringify({ system_id: ids.v4, versions: [{ component: "core", version: "03.20.0" }] }),
    json,
    400,
  ],
  // JSON
  ["unparseable JSON", "{", json, 400],
  ["a JSON array", "[]", json, 400],
  ["JSON null", "null", json, 400],
  ["a JSON string", '"hello"', json, 400],
  ["deeply nested JSON", `${"[".repeat(8_000)}${"]".repeat(8_000)}`, json, 400],
  [
    "deeply nested legacy versions",
    `{"versions":${"[".repeat(8_000)}${"]".repeat(8_000)}}`,
    json,
    400,
  ],
  ["invalid UTF-8 labelled JSON", bytes(0x7b, 0xff, 0x7d), json, 400],
  ["a numeric system id", withJson({ systemId: 12 }), json, 400],
  ["components that are not a list", withJson({ components: "core" }), json, 400],
  ["a negative count", withJson({ onlineWorkers: { processes: -1, hosts: 1 } }), json, 400],
  ["a fractional count", withJson({ onlineWorkers: { processes: 1.5, hosts: 1 } }), json, 400],
  ["a count that is text", withJson({ onlineWorkers: { processes: "many", hosts: 1 } }), json, 400],
  [
    "an infinite number",
    withJson({ postgresqlVersion: 0 }).replace(
      '"postgresqlVersion":0',
      '"postgresqlVersion":1e309',
    ),
    json,
    400,
  ],
  ["a legacy body with versions not a list", '{"system_id":"x","versions":{}}', json, 400],
  [
    "a legacy body with a bad id",
    JSON.stringify({ system_id: "x", versions: [{ component: "core", version: "3.20.0" }] }),
    json,
    400,
  ],
  // too large
  [
    "a 300 KB protobuf string",
    encode({ ...release323, systemId: "a".repeat(300_000) }),
    octets,
    413,
  ],
  ["a 300 KB JSON string", withJson({ systemId: "a".repeat(300_000) }), json, 413],
  ["the limit and one byte", new Uint8Array(MAX_BODY_BYTES + 1), octets, 413],
  ["64 KiB (the old limit)", new Uint8Array(64 * 1024), octets, 413],
];

describe("hostile bodies", () => {
  beforeEach(async () => {
    // An installation is already stored; no rejection may touch it.
    expect((await post(valid)).status).toBe(200);
  });

  it("the corpus is large enough to mean something", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("%s", async (_name, body, headers, status) => {
    const before = await testEnv.RAW.getWithMetadata(ids.v7, "arrayBuffer");
    const keysBefore = (await testEnv.RAW.list()).keys.map((k) => k.name);

    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const answer = (await res.json()) as { error: unknown; issues: unknown };
    expect(typeof answer.error).toBe("string");
    expect((answer.error as string).length).toBeGreaterThan(0);
    expect(Array.isArray(answer.issues)).toBe(true);

    const after = await testEnv.RAW.getWithMetadata(ids.v7, "arrayBuffer");
    expect(after.metadata).toEqual(before.metadata);
    expect(new Uint8Array(after.value ?? new ArrayBuffer(0))).toEqual(
      new Uint8Array(before.value ?? new ArrayBuffer(0)),
    );
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual(keysBefore);
  });

  it("names what is wrong", async () => {
    const res = await post(withJson({ onlineWorkers: { processes: -1, hosts: 1 } }), json);
    const answer = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(answer.issues.map((i) => i.path)).toContain("onlineWorkers.processes");
    const legacy = await post('{"system_id":"nope","versions":[]}', json);
    const legacyAnswer = (await legacy.json()) as { issues: { path: string }[] };
    expect(legacyAnswer.issues.map((i) => i.path)).toEqual(["systemId", "components"]);
  });

  it("refuses an oversized body streamed without a Content-Length", async () => {
    const chunk = new Uint8Array(16 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 2) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await post(stream, octets);
    expect(res.status).toBe(413);
    expect((await testEnv.RAW.list()).keys).toHaveLength(1);
  });

  it("a JSON __proto__ key pollutes nothing and is not stored", async () => {
    const body = `{"__proto__":{"isAdmin":true},"systemId":"${ids.v4}","components":[{"name":"core","version":"3.63.2"}],"junk":"${"j".repeat(5000)}"}`;
    const res = await post(body, json);
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const stored = await testEnv.RAW.get(ids.v4, "arrayBuffer");
    const text = new TextDecoder().decode(stored ?? new ArrayBuffer(0));
    expect(text).not.toMatch(/isAdmin|__proto__|jjjj/);
    expect(stored?.byteLength).toBeLessThan(100);
  });

  it("unknown protobuf fields and padding are not stored", async () => {
    const junk = new TextEncoder().encode("attacker text ".repeat(50));
    // Field 15, length-delimited: unknown to Analytics, skipped by the decoder.
    const body = Uint8Array.from([
      ...valid,
      0x7a,
      0x80 | (junk.length & 0x7f),
      junk.length >> 7,
      ...junk,
    ]);
    expect((await post(body, octets)).status).toBe(200);
    const stored = await testEnv.RAW.get(ids.v7, "arrayBuffer");
    expect(new Uint8Array(stored ?? new ArrayBuffer(0))).toEqual(valid);
  });

  it("accepts the largest check-in the schema allows, in protobuf and compact JSON", async () => {
    const largest = Array.from({ length: 100 }, (_, i) => ({
      name: `p${String(i).padStart(2, "0")}_${"n".repeat(60)}`,
      version: `${100_000 + i}.100000.100000.1rc1.post1`.slice(0, 32),
    }));
    const message = { ...release323, systemId: ids.v4, components: largest };
    const protobuf = encode(message);
    expect(protobuf.byteLength).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect((await post(protobuf, octets)).status).toBe(200);
    const asJson = JSON.stringify({ ...protoJson, systemId: ids.v4, components: largest });
    expect(asJson.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect((await post(asJson, json)).status).toBe(200);
  });
});

describe("content-encoded bodies", () => {
  beforeEach(() => reset());
  const compressed = (format: "gzip" | "deflate") =>
    new Response(
      new Blob([valid]).stream().pipeThrough(new CompressionStream(format)),
    ).arrayBuffer();

  it.each([
    ["gzip", "gzip"],
    ["deflate", "deflate"],
    ["GZIP", "gzip"],
    ["gzip, identity", "gzip"],
    ["br", "gzip"],
    ["x-made-up", "deflate"],
  ] as const)("Content-Encoding: %s is 415, nothing stored", async (encoding, format) => {
    const res = await post(await compressed(format), { ...octets, "Content-Encoding": encoding });
    expect(res.status).toBe(415);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Accept-Encoding")).toBe("identity");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const answer = (await res.json()) as { error: string; issues: { message: string }[] };
    expect(answer.error).toMatch(/content-encoded/);
    expect(answer.issues[0]?.message).toBe(`Content-Encoding: ${encoding}`);
    expect((await testEnv.RAW.list()).keys).toHaveLength(0);
  });

  it.each(["identity", "IDENTITY", ""])("Content-Encoding: '%s' is read as it is", async (e) => {
    expect((await post(valid, { ...octets, "Content-Encoding": e })).status).toBe(200);
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual([ids.v7]);
  });
});
