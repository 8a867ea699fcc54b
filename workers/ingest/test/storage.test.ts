import { reset } from "cloudflare:test";
import { metaBytes, parseMeta } from "@pulp-analytics/shared/metadata";
import { HEADER, MAX_METADATA_BYTES, RAW_TTL_SECONDS } from "@pulp-analytics/shared/names";
import { afterEach, describe, expect, it } from "vitest";
import { post, testEnv } from "./helpers";
import { encode, ids, release321, release323 } from "./payloads";

afterEach(() => reset());

const at = (iso: string) => ({ [HEADER.SIMULATED_TIME]: iso });

async function meta(id = ids.v7) {
  const stored = await testEnv.RAW.getWithMetadata(id);
  const parsed = parseMeta(stored.metadata);
  if (!parsed) throw new Error(`no valid metadata for ${id}: ${JSON.stringify(stored.metadata)}`);
  return parsed;
}

describe("RAW metadata", () => {
  it("carries first seen forward and records the last check-in", async () => {
    expect((await post(encode(release323), at("2026-11-01T10:00:00Z"))).status).toBe(200);
    expect((await post(encode(release323), at("2026-11-05T09:00:00Z"))).status).toBe(200);
    const m = await meta();
    expect(m.f).toBe(Date.parse("2026-11-01T10:00:00Z"));
    expect(m.l).toBe(Date.parse("2026-11-05T09:00:00Z"));
  });

  it("keeps the earliest first seen when check-ins arrive out of order", async () => {
    await post(encode(release323), at("2026-11-05T09:00:00Z"));
    await post(encode({ ...release323, postgresqlVersion: 170001 }), at("2026-11-02T09:00:00Z"));
    expect((await meta()).f).toBe(Date.parse("2026-11-02T09:00:00Z"));
  });

  it("stays within 1024 bytes; facts that do not fit are marked for the summarizer", async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      name: `in_house_plugin_with_a_long_name_${String(i).padStart(3, "0")}`,
      version: `${i}.0.0`,
    }));
    expect((await post(encode({ ...release323, components: many }))).status).toBe(200);
    const m = await meta();
    expect(metaBytes(m)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(m).toEqual({ v: 1, f: m.f, l: m.l, x: "p" });
  });

  it("a typical check-in keeps its facts inline", async () => {
    await post(encode(release323));
    const m = await meta();
    expect(m.x).toBeUndefined();
    expect(m.c).toEqual([
      ["core", "3.21.4"],
      ["rpm", "3.19.2"],
    ]);
    expect(metaBytes(m)).toBeLessThan(300);
  });

  it("sets a 60-day expiry, renewed by the next stored check-in", async () => {
    const before = Date.now() / 1000;
    await post(encode(release323));
    const [key] = (await testEnv.RAW.list()).keys;
    expect(key?.expiration).toBeGreaterThanOrEqual(Math.floor(before + RAW_TTL_SECONDS) - 1);
    expect(key?.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000 + RAW_TTL_SECONDS) + 1);
  });
});

describe("a second check-in on the same UTC day", () => {
  it("with an identical payload is answered 200 and not written", async () => {
    await post(encode(release323), at("2026-11-05T09:00:00Z"));
    const res = await post(encode(release323), at("2026-11-05T21:00:00Z"));
    expect(res.status).toBe(200);
    expect((await meta()).l).toBe(Date.parse("2026-11-05T09:00:00Z"));
  });

  it("with changed facts replaces the first", async () => {
    await post(encode(release323), at("2026-11-05T09:00:00Z"));
    await post(encode({ ...release323, postgresqlVersion: 170001 }), at("2026-11-05T21:00:00Z"));
    const m = await meta();
    expect(m.l).toBe(Date.parse("2026-11-05T21:00:00Z"));
    expect(m.p).toBe(170001);
  });

  it("on the next day is written again", async () => {
    await post(encode(release323), at("2026-11-05T23:59:00Z"));
    await post(encode(release323), at("2026-11-06T00:01:00Z"));
    expect((await meta()).l).toBe(Date.parse("2026-11-06T00:01:00Z"));
  });
});

describe("privacy", () => {
  it("stores the payload and the facts, nothing of the request", async () => {
    const body = encode(release321);
    const res = await post(body, {
      "CF-Connecting-IP": "203.0.113.77",
      "X-Forwarded-For": "198.51.100.23",
      "User-Agent": "Python/3.11 aiohttp/3.9.5 secret-agent",
      Cookie: "session=abc123",
    });
    expect(res.status).toBe(200);
    const stored = await testEnv.RAW.getWithMetadata(ids.v4, "arrayBuffer");
    expect(new Uint8Array(stored.value ?? new ArrayBuffer(0))).toEqual(body);
    const everything = JSON.stringify(stored.metadata);
    for (const leaked of ["203.0.113", "198.51.100", "aiohttp", "secret-agent", "abc123"]) {
      expect(everything).not.toContain(leaked);
    }
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual([ids.v4]);
  });
});

describe("simulated check-in time (enabled in this dev configuration)", () => {
  it("refuses a header that is not an ISO 8601 time, writing nothing", async () => {
    const res = await post(encode(release323), at("yesterday"));
    expect(res.status).toBe(400);
    expect((await testEnv.RAW.list()).keys).toHaveLength(0);
  });
});
