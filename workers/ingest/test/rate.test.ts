/**
 * Which per-minute limiters a check-in is counted by, and with which keys: an IPv4 address by
 * itself, an IPv6 address by its /64, /56 and /48 (docs/contract.md#rate-limit). The limiters
 * here are recorders; production's real ones are exercised in production/rate-limit.test.ts.
 */
import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import ingest from "../src/index";
import { testEnv } from "./helpers";
import { encode, release323 } from "./payloads";

afterEach(() => reset());

/** A limiter that records its keys and answers `success` (or throws, when `success` is null). */
function recorder(success: boolean | null): { limiter: RateLimit; keys: string[] } {
  const keys: string[] = [];
  const limiter: RateLimit = {
    limit: async ({ key }) => {
      keys.push(key);
      if (success === null) throw new Error("rate limiter unavailable");
      return { success };
    },
  };
  return { limiter, keys };
}

async function call(address: string, limiters: Partial<Record<string, RateLimit>>) {
  const ctx = createExecutionContext();
  const request = new Request("http://analytics.test/", {
    method: "POST",
    body: encode(release323),
    headers: { "CF-Connecting-IP": address },
  });
  const response = await ingest.fetch(request, { ...testEnv, ...limiters }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the per-minute limiters", () => {
  it("count an IPv6 client by its /64, its /56 and its /48", async () => {
    const [a, b, c] = [recorder(true), recorder(true), recorder(true)];
    const res = await call("2001:db8:aa:1ff::7", {
      CHECKIN_LIMITER: a.limiter,
      CHECKIN_LIMITER_56: b.limiter,
      CHECKIN_LIMITER_48: c.limiter,
    });
    expect(res.status).toBe(200);
    expect([a.keys, b.keys, c.keys]).toEqual([
      ["2001:db8:aa:1ff::/64"],
      ["2001:db8:aa:100::/56"],
      ["2001:db8:aa::/48"],
    ]);
  });

  it("count an IPv4 client by its address alone", async () => {
    const [a, b, c] = [recorder(true), recorder(true), recorder(true)];
    await call("203.0.113.9", {
      CHECKIN_LIMITER: a.limiter,
      CHECKIN_LIMITER_56: b.limiter,
      CHECKIN_LIMITER_48: c.limiter,
    });
    expect([a.keys, b.keys, c.keys]).toEqual([["203.0.113.9"], [], []]);
  });

  it.each(["CHECKIN_LIMITER", "CHECKIN_LIMITER_56", "CHECKIN_LIMITER_48"])(
    "refuse with 429 when %s says no, writing nothing",
    async (refusing) => {
      const limiters = Object.fromEntries(
        ["CHECKIN_LIMITER", "CHECKIN_LIMITER_56", "CHECKIN_LIMITER_48"].map((name) => [
          name,
          recorder(name !== refusing).limiter,
        ]),
      );
      const res = await call("2001:db8:aa:1ff::7", limiters);
      expect(res.status).toBe(429);
      expect(res.headers.get("Retry-After")).toBe("60");
      expect(await res.json()).toMatchObject({
        error: expect.stringContaining("too many check-ins"),
      });
      expect((await testEnv.RAW.list()).keys).toHaveLength(0);
    },
  );

  it("let the check-in through when a limiter fails", async () => {
    const res = await call("2001:db8:aa:1ff::7", {
      CHECKIN_LIMITER: recorder(true).limiter,
      CHECKIN_LIMITER_56: recorder(null).limiter,
      CHECKIN_LIMITER_48: recorder(true).limiter,
    });
    expect(res.status).toBe(200);
  });
});
