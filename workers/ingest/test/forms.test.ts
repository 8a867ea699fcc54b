import { reset } from "cloudflare:test";
import { decodeCheckIn, encodeCheckIn } from "@pulp-analytics/shared/checkin";
import { factsFromMeta, parseMeta } from "@pulp-analytics/shared/raw";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureBody, post, testEnv } from "./helpers";
import {
  encode,
  futureBytes,
  ids,
  json,
  legacyJson,
  protoJson,
  release321,
  release322,
  release323,
} from "./payloads";

afterEach(() => reset());

async function storedFacts(systemId: string) {
  const stored = await testEnv.RAW.getWithMetadata(systemId, "arrayBuffer");
  const meta = parseMeta(stored.metadata);
  expect(meta).not.toBeNull();
  return { value: stored.value, meta, facts: meta && factsFromMeta(meta) };
}

describe("the byte-exact pulpcore fixtures", () => {
  it.each(testEnv.FIXTURES?.map((f) => [f.file, f] as const) ?? [])(
    "%s is stored with the facts a correct decoder reads",
    async (file, fixture) => {
      const { body, contentType } = fixtureBody(file);
      const res = await post(body, { "Content-Type": contentType });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok" });

      const e = fixture.expect;
      const { value, facts } = await storedFacts(e.system_id);
      // Stored as understood: the known fields re-encoded as protobuf, whatever the form.
      const decoded = decodeCheckIn(body, contentType);
      if (!decoded.ok) throw new Error("the fixture must decode");
      expect(new Uint8Array(value ?? new ArrayBuffer(0))).toEqual(
        encodeCheckIn(decoded.value.checkIn),
      );
      expect(Object.fromEntries(facts?.components.map((c) => [c.name, c.version]) ?? [])).toEqual(
        e.components,
      );
      expect(facts?.onlineWorkers).toEqual(e.online_workers);
      expect(facts?.onlineContentApps).toEqual(e.online_content_apps);
      expect(facts?.postgresqlVersion).toBe(e.postgresql_version);
      expect(facts?.rbacStats?.customRoles ?? null).toBe(e.rbac_stats?.custom_roles ?? null);
    },
  );

  it("expects six fixtures", () => {
    expect(testEnv.FIXTURES).toHaveLength(6);
  });
});

describe("protobuf shaped like each release", () => {
  it("3.21: PostgreSQL and RBAC stay not reported, not zero", async () => {
    expect((await post(encode(release321))).status).toBe(200);
    const { meta, facts } = await storedFacts(ids.v4);
    expect(facts?.postgresqlVersion).toBeNull();
    expect(facts?.rbacStats).toBeNull();
    expect(meta).not.toHaveProperty("p");
    expect(meta).not.toHaveProperty("r");
    expect(facts?.onlineWorkers).toEqual({ processes: 4, hosts: 2 });
  });

  it("3.22: PostgreSQL reported", async () => {
    expect((await post(encode(release322))).status).toBe(200);
    const { facts } = await storedFacts(ids.v4);
    expect(facts?.postgresqlVersion).toBe(150004);
    expect(facts?.rbacStats).toBeNull();
  });

  it("3.23: RBAC reported, UUIDv7 id", async () => {
    expect((await post(encode(release323))).status).toBe(200);
    const { facts } = await storedFacts(ids.v7);
    expect(facts?.rbacStats).toEqual({
      users: 40,
      groups: 5,
      domains: 2,
      customAccessPolicies: 1,
      customRoles: 3,
    });
  });

  it("a future release's unknown fields are ignored and not stored", async () => {
    const body = futureBytes();
    expect((await post(body, { "Content-Type": "application/octet-stream" })).status).toBe(200);
    const { value, facts } = await storedFacts(ids.v7);
    expect(new Uint8Array(value ?? new ArrayBuffer(0))).toEqual(encode(release323));
    expect(facts?.components).toEqual([
      { name: "core", version: "3.21.4" },
      { name: "rpm", version: "3.19.2" },
    ]);
  });

  it("reported zero stays zero", async () => {
    const zero = { ...release323, onlineWorkers: { processes: 0, hosts: 0 }, postgresqlVersion: 0 };
    expect((await post(encode(zero))).status).toBe(200);
    const { facts } = await storedFacts(ids.v7);
    expect(facts?.onlineWorkers).toEqual({ processes: 0, hosts: 0 });
    expect(facts?.postgresqlVersion).toBe(0);
  });
});

describe("JSON bodies", () => {
  it("the pulpcore 3.20 shape", async () => {
    const res = await post(JSON.stringify(legacyJson), json);
    expect(res.status).toBe(200);
    const { facts } = await storedFacts(ids.v4);
    expect(facts?.components).toEqual([
      { name: "core", version: "3.20.0.dev" },
      { name: "file", version: "1.11.0.dev" },
    ]);
    expect(facts?.onlineWorkers).toEqual({ processes: 2, hosts: 1 });
    expect(facts?.postgresqlVersion).toBeNull();
  });

  it("the protobuf JSON mapping, with unknown fields ignored", async () => {
    const body = JSON.stringify({ ...protoJson, someFutureField: "x" });
    const res = await post(body, { "Content-Type": "application/json; charset=utf-8" });
    expect(res.status).toBe(200);
    const { value, facts } = await storedFacts(ids.v7);
    expect(new TextDecoder().decode(value ?? new ArrayBuffer(0))).not.toContain("someFutureField");
    expect(facts?.rbacStats?.users).toBe(12);
    expect(facts?.onlineWorkers).toEqual({ processes: 0, hosts: 0 });
  });

  it("the protobuf JSON mapping with proto field names", async () => {
    const body = JSON.stringify({
      system_id: ids.v7,
      components: [{ name: "core", version: "3.63.2" }],
      postgresql_version: 170001,
    });
    expect((await post(body, json)).status).toBe(200);
    const { facts } = await storedFacts(ids.v7);
    expect(facts?.postgresqlVersion).toBe(170001);
  });

  it("an upper-case system id is stored under its canonical lower-case key", async () => {
    const body = JSON.stringify({ ...protoJson, systemId: ids.v7.toUpperCase() });
    expect((await post(body, json)).status).toBe(200);
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual([ids.v7]);
  });
});

describe("stored as understood (docs/contract.md#2-ingest-of-check-ins)", () => {
  it("JSON and protobuf of the same facts are the same stored bytes", async () => {
    expect((await post(JSON.stringify(protoJson), json)).status).toBe(200);
    const fromJson = await testEnv.RAW.get(ids.v7, "arrayBuffer");
    await testEnv.RAW.delete(ids.v7);
    const decoded = decodeCheckIn(
      new TextEncoder().encode(JSON.stringify(protoJson)),
      "application/json",
    );
    if (!decoded.ok) throw new Error("must decode");
    const protobuf = encodeCheckIn(decoded.value.checkIn);
    expect((await post(protobuf)).status).toBe(200);
    const fromProtobuf = await testEnv.RAW.get(ids.v7, "arrayBuffer");
    expect(new Uint8Array(fromJson ?? new ArrayBuffer(0))).toEqual(
      new Uint8Array(fromProtobuf ?? new ArrayBuffer(1)),
    );
  });

  it("the same facts in JSON later the same day are not written again", async () => {
    const at = { "X-Pulp-Analytics-Time": "2026-11-05T09:00:00Z" };
    expect((await post(encode(release323), at)).status).toBe(200);
    const before = await testEnv.RAW.getWithMetadata(ids.v7);
    const asJson = JSON.stringify({
      ...release323,
      padding: "x".repeat(1000),
    });
    const later = { ...json, "X-Pulp-Analytics-Time": "2026-11-05T21:00:00Z" };
    expect((await post(asJson, later)).status).toBe(200);
    expect((await testEnv.RAW.getWithMetadata(ids.v7)).metadata).toEqual(before.metadata);
  });
});
