/**
 * The stand-in of Cloudflare's API (./cloudflare-api.ts) refuses what Cloudflare refuses, so that
 * the remote rehearsal (remote.test.ts) can fail on a request over a limit, and pages key lists
 * as Cloudflare does, so that it can fail on a tool that reads only the first page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, API_TOKEN, LIMITS, type StandIn, startCloudflareApi } from "./cloudflare-api";

let api: StandIn;
const NS = "00000000000000000000000000dev002";

beforeAll(async () => {
  api = await startCloudflareApi();
  const ns = api.namespace(NS);
  for (let i = 0; i < 2_345; i++) {
    ns.entries.set(`k${String(i).padStart(5, "0")}`, { value: Buffer.from(`v${i}`) });
  }
});
afterAll(() => api.close());

interface Answer {
  status: number;
  json: {
    success: boolean;
    errors: { code: number; message: string }[];
    result: unknown;
    result_info?: { cursor?: string; count?: number };
  };
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token = API_TOKEN,
): Promise<Answer> {
  const res = await fetch(
    `${api.baseUrl}/accounts/${ACCOUNT_ID}/storage/kv/namespaces/${NS}${path}`,
    {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  return { status: res.status, json: (await res.json()) as Answer["json"] };
}

describe("key lists", () => {
  it("pages by 1,000 with a cursor, in key order, to an empty cursor", async () => {
    const names: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const answer = await call("GET", `/keys${cursor ? `?cursor=${cursor}` : ""}`);
      expect(answer.status).toBe(200);
      const page = answer.json.result as { name: string }[];
      expect(page.length).toBeLessThanOrEqual(LIMITS.listMax);
      names.push(...page.map((k) => k.name));
      cursor = answer.json.result_info?.cursor ?? "";
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toHaveLength(2_345);
    expect(names).toEqual([...names].sort());
  });

  it("takes a limit from 10 to 1,000 and a prefix", async () => {
    const page = await call("GET", "/keys?limit=10&prefix=k001");
    expect((page.json.result as unknown[]).length).toBe(10);
    expect(page.json.result_info?.cursor).not.toBe("");
    for (const limit of [5, 1001, 2.5]) {
      const refused = await call("GET", `/keys?limit=${limit}`);
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0]?.code).toBe(10001);
    }
  });
});

describe("bulk requests over Cloudflare's limits are refused, nothing written", () => {
  it("a write of 10,001 pairs", async () => {
    const pairs = Array.from({ length: LIMITS.bulkWritePairs + 1 }, (_, i) => ({
      key: `new${i}`,
      value: "x",
    }));
    expect((await call("PUT", "/bulk", pairs)).status).toBe(400);
    expect(api.namespace(NS).entries.has("new0")).toBe(false);
    expect((await call("PUT", "/bulk", pairs.slice(0, LIMITS.bulkWritePairs))).status).toBe(200);
    expect(api.namespace(NS).entries.has("new0")).toBe(true);
  });

  it("a key over 512 bytes, a value over 25 MiB", { timeout: 60_000 }, async () => {
    const longKey = [{ key: "k".repeat(LIMITS.keyBytes + 1), value: "x" }];
    expect((await call("PUT", "/bulk", longKey)).status).toBe(414);
    const bigValue = [{ key: "big", value: "v".repeat(LIMITS.valueBytes + 1) }];
    expect((await call("PUT", "/bulk", bigValue)).status).toBe(413);
    expect(api.namespace(NS).entries.has("big")).toBe(false);
  });

  it("a read of 101 keys; 100 read, a missing key as null", async () => {
    const keys = Array.from(
      { length: LIMITS.bulkGetKeys + 1 },
      (_, i) => `k${String(i).padStart(5, "0")}`,
    );
    expect((await call("POST", "/bulk/get", { keys })).status).toBe(400);
    const read = await call("POST", "/bulk/get", { keys: [...keys.slice(0, 99), "absent"] });
    const values = (read.json.result as { values: Record<string, string | null> }).values;
    expect(values.k00042).toBe("v42");
    expect(values.absent).toBeNull();
  });

  it("a delete of 10,001 keys", async () => {
    const keys = Array.from({ length: LIMITS.bulkDeleteKeys + 1 }, (_, i) => `new${i}`);
    expect((await call("DELETE", "/bulk", keys)).status).toBe(400);
    expect(api.namespace(NS).entries.has("new0")).toBe(true);
  });
});

it("refuses another token, and logs a route it does not know as unknown", async () => {
  expect((await call("GET", "/keys", undefined, "wrong")).status).toBe(403);
  const unknown = await call("GET", "/values/k00001");
  expect(unknown.status).toBe(404);
  expect(unknown.json.errors[0]?.code).toBe(7003);
  expect(api.unknown.map((u) => u.path)).toEqual([
    `/accounts/${ACCOUNT_ID}/storage/kv/namespaces/${NS}/values/k00001`,
  ]);
});
