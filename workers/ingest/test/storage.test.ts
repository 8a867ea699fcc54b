import { reset } from "cloudflare:test";
import { HEADER, MAX_METADATA_BYTES, RAW_TTL_SECONDS } from "@pulp-analytics/shared/config";
import { checkInDays, metaBytes, parseMeta } from "@pulp-analytics/shared/raw";
import { afterEach, describe, expect, it } from "vitest";
import { post, rawSnapshot, testEnv } from "./helpers";
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

  it("carries the published components only, so 99 long in-house names never overflow", async () => {
    const many = [
      { name: "core", version: "3.49.1" },
      ...Array.from({ length: 99 }, (_, i) => ({
        name: `in_house_plugin_with_a_long_name_${String(i).padStart(3, "0")}_${"x".repeat(20)}`,
        version: `${i}.0.0.dev${i}`,
      })),
    ];
    expect((await post(encode({ ...release323, components: many }))).status).toBe(200);
    const m = await meta();
    expect(metaBytes(m)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(m.x).toBeUndefined();
    expect(m.c?.map(([name, version]) => [name, version])).toEqual([["core", "3.49.1"]]);
  });

  // 110 check-ins one after another: seconds on a busy machine.
  it("110 such installations are all carried inline: none needs a value read", {
    timeout: 30_000,
  }, async () => {
    const plugins = Array.from({ length: 99 }, (_, i) => ({
      name: `in_house_plugin_with_a_long_name_${String(i).padStart(3, "0")}_${"x".repeat(20)}`,
      version: "1.0.0",
    }));
    for (let i = 0; i < 110; i++) {
      const systemId = `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
      const components = [{ name: "core", version: "3.49.1" }, ...plugins];
      expect((await post(encode({ ...release323, systemId, components }))).status).toBe(200);
    }
    const entries = await rawSnapshot();
    expect(entries).toHaveLength(110);
    for (const entry of entries) {
      expect(parseMeta(entry.metadata)?.c?.map(([name, version]) => [name, version])).toEqual([
        ["core", "3.49.1"],
      ]);
    }
  });

  it("a typical check-in keeps its facts inline", async () => {
    await post(encode(release323));
    const m = await meta();
    expect(m.x).toBeUndefined();
    expect(m.c?.map(([name, version]) => [name, version])).toEqual([
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

describe("the days with a check-in (d)", () => {
  it("records each UTC day a system checked in on, counted back from the last", async () => {
    for (const time of ["2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z", "2026-11-05T09:00:00Z"]) {
      expect((await post(encode(release323), at(time))).status).toBe(200);
    }
    const m = await meta();
    expect(m.d).toBe("19"); // bits 0, 3 and 4: 0b11001
    expect(checkInDays(m)).toEqual(
      ["2026-11-01", "2026-11-02", "2026-11-05"].map((d) => Date.parse(`${d}T00:00:00Z`)),
    );
  });

  it("records an out-of-order check-in's day, keeping the latest time and facts", async () => {
    await post(encode(release323), at("2026-11-05T09:00:00Z"));
    const older = encode({ ...release323, postgresqlVersion: 130_014 });
    expect((await post(older, at("2026-11-03T09:00:00Z"))).status).toBe(200);
    const m = await meta();
    expect(m.l).toBe(Date.parse("2026-11-05T09:00:00Z"));
    expect(m.f).toBe(Date.parse("2026-11-03T09:00:00Z"));
    expect(m.p).toBe(160_004);
    expect(m.d).toBe("5"); // bits 0 and 2
  });

  it("forgets days more than 60 days back", async () => {
    await post(encode(release323), at("2026-09-01T09:00:00Z"));
    await post(encode(release323), at("2026-10-01T09:00:00Z"));
    await post(encode(release323), at("2026-11-05T09:00:00Z"));
    expect((await meta()).d).toBe("800000001"); // bits 0 and 35
  });
});

describe("movement (each published component's x.y over time)", () => {
  it("records upgrades, removals, re-additions and downgrades across simulated days", async () => {
    const send = async (time: string, components: { name: string; version: string }[]) => {
      expect((await post(encode({ ...release323, components }), at(time))).status).toBe(200);
      return (await meta()).c;
    };
    const core = (version: string) => ({ name: "core", version });
    const rpm = (version: string) => ({ name: "rpm", version });
    // UTC day numbers: 2026-11-01 is 20758, 2026-11-24 20781, 2027-01-20 20838, 2027-02-01 20850.
    expect(await send("2026-11-01T10:00:00Z", [core("3.21.4"), rpm("3.19.2")])).toEqual([
      ["core", "3.21.4", 20758],
      ["rpm", "3.19.2", 20758],
    ]);
    // Skipped releases; rpm no longer reported.
    expect(await send("2026-11-03T10:00:00Z", [core("3.49.1")])).toEqual([
      ["core", "3.49.1", 20760, "3.21"],
    ]);
    // Three weeks later: a patch release is no movement; rpm is back, added (not 3.19 → 3.20).
    expect(await send("2026-11-24T10:00:00Z", [core("3.49.2"), rpm("3.20.0")])).toEqual([
      ["core", "3.49.2", 20760, "3.21"],
      ["rpm", "3.20.0", 20781, ""],
    ]);
    // An older check-in (simulated time) changes nothing of the latest.
    expect(await send("2026-11-10T10:00:00Z", [core("3.48.0")])).toEqual([
      ["core", "3.49.2", 20760, "3.21"],
      ["rpm", "3.20.0", 20781, ""],
    ]);
    // 78 days after the change, beyond RAW's 60: since is carried.
    expect(await send("2027-01-20T10:00:00Z", [core("3.49.2"), rpm("3.20.0")])).toEqual([
      ["core", "3.49.2", 20760, "3.21"],
      ["rpm", "3.20.0", 20781, ""],
    ]);
    // A restored backup: a downgrade, the higher x.y kept as the one before.
    expect(await send("2027-02-01T10:00:00Z", [core("3.45.0"), rpm("3.20.0")])).toEqual([
      ["core", "3.45.0", 20850, "3.49"],
      ["rpm", "3.20.0", 20781, ""],
    ]);
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
  it("stores the check-in as understood and the facts, nothing of the request", async () => {
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
  it.each([
    "yesterday",
    "0000-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2026-02-30T00:00:00Z",
    "2026-11-24T25:00:00Z",
    "-000001-01-01T00:00:00Z",
    "-1",
    "1732440600000",
    "2026-11-24",
  ])("refuses %s with a JSON 400, writing nothing", async (time) => {
    const res = await post(encode(release323), at(time));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("2000-01-01") });
    expect((await testEnv.RAW.list()).keys).toHaveLength(0);
  });

  it("takes a real calendar time with an offset", async () => {
    expect((await post(encode(release323), at("2026-11-24T11:30:00+02:00"))).status).toBe(200);
    expect((await meta()).l).toBe(Date.parse("2026-11-24T09:30:00Z"));
  });
});
