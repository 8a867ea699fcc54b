/**
 * Contract §2: production limits how often one client address may post, with the Workers Rate
 * Limiting binding as configured in wrangler.jsonc (100 a minute; miniflare simulates it). The
 * /56 and /48 limiters are asked with their keys in ../rate.test.ts; their numbers are checked by
 * scripts/test/config.test.ts.
 * Each test uses its own addresses: the limiter's counts outlive a test.
 */
import { reset } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { post, testEnv } from "../helpers";
import { encode, release323 } from "../payloads";

afterEach(() => reset());

/**
 * The simulated limiter counts in fixed minutes of the clock: a test that crossed into the next
 * minute would start counting afresh. Each test starts with at least 15 s of its minute left.
 */
beforeEach(async () => {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}, 20_000);

const LIMIT = 100;
const systemId = (i: number) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-00000000abcd`;
const from = (address: string) => ({ "CF-Connecting-IP": address });
const checkIn = (i: number, address: string) =>
  post(encode({ ...release323, systemId: systemId(i) }), from(address));

describe("per-address rate limiting", { timeout: 30_000 }, () => {
  it("answers the check-in past the limit with 429, Retry-After and JSON, writing nothing", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await checkIn(i, "198.51.100.1")).status).toBe(200);
    const res = await checkIn(LIMIT, "198.51.100.1");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("60");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("too many") });
    expect((await testEnv.RAW.list()).keys).toHaveLength(LIMIT);
    expect(await testEnv.RAW.get(systemId(LIMIT))).toBeNull();
  });

  it("counts bodies it refuses too, before reading them", async () => {
    for (let i = 0; i < LIMIT; i++) {
      expect(
        (await post("{", { ...from("198.51.100.2"), "Content-Type": "application/json" })).status,
      ).toBe(400);
    }
    expect((await checkIn(0, "198.51.100.2")).status).toBe(429);
  });

  it("limits each address on its own", async () => {
    // One system's identical check-ins: counted by the limiter, written once.
    for (let i = 0; i < LIMIT; i++) await checkIn(0, "198.51.100.3");
    expect((await checkIn(LIMIT, "198.51.100.3")).status).toBe(429);
    expect((await checkIn(LIMIT, "198.51.100.4")).status).toBe(200);
  });

  it("counts one IPv6 /64 as one address", async () => {
    for (let i = 0; i < LIMIT; i++) await checkIn(0, `2001:db8:aa:1::${(i + 1).toString(16)}`);
    expect((await checkIn(LIMIT, "2001:db8:aa:1:ffff::1")).status).toBe(429);
    expect((await checkIn(LIMIT, "2001:db8:aa:2::1")).status).toBe(200);
  });

  it("a real installation checking in once a day never meets it", async () => {
    // The same system posting its daily check-in, retried a few times: far below the limit.
    for (let i = 0; i < 5; i++) expect((await checkIn(7, "198.51.100.5")).status).toBe(200);
  });
});
