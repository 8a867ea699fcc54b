/**
 * KV failing under ingest: the client gets a 503 it can retry, never a 200 for a check-in that
 * was not stored, and a flood of identical check-ins from one system costs one write.
 */
import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import ingest from "../src/index";
import { post, testEnv } from "./helpers";
import { encode, ids, release323 } from "./payloads";

afterEach(() => reset());

/** RAW whose every `failEvery`-th put throws, as KV does when overloaded or rate limited. */
function flakyRaw(failEvery: number): { raw: KVNamespace; puts: () => number } {
  let puts = 0;
  const raw = new Proxy(testEnv.RAW, {
    get(target, property, receiver) {
      if (property === "put") {
        return (...args: Parameters<KVNamespace["put"]>) => {
          puts++;
          if (puts % failEvery === 0)
            return Promise.reject(new Error("KV PUT failed: 429 Too Many Requests"));
          return target.put(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { raw, puts: () => puts };
}

async function call(raw: KVNamespace, body: Uint8Array): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request("http://analytics.test/", { method: "POST", body });
  const response = await ingest.fetch(request, { ...testEnv, RAW: raw }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const systemId = (i: number) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

describe("KV failing on a fraction of writes", () => {
  it("answers 503 with Retry-After exactly for the check-ins it could not store", async () => {
    const { raw } = flakyRaw(3);
    const answers: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await call(raw, encode({ ...release323, systemId: systemId(i) }));
      answers.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get("Retry-After")).toBe("60");
        expect(await res.json()).toMatchObject({ error: expect.stringContaining("retry") });
      }
    }
    expect(answers.filter((s) => s === 503)).toHaveLength(10);
    expect(answers.filter((s) => s === 200)).toHaveLength(20);
    const stored = new Set((await testEnv.RAW.list()).keys.map((k) => k.name));
    answers.forEach((status, i) => {
      expect(stored.has(systemId(i))).toBe(status === 200);
    });
  });

  it("answers 503 when KV cannot even be read, and writes nothing", async () => {
    const broken = new Proxy(testEnv.RAW, {
      get: () => () => Promise.reject(new Error("KV unavailable")),
    });
    const res = await call(broken, encode(release323));
    expect(res.status).toBe(503);
    expect((await testEnv.RAW.list()).keys).toHaveLength(0);
  });
});

describe("a flood from one system id", () => {
  it("costs one write: identical check-ins later that day are answered without writing", async () => {
    const { raw, puts } = flakyRaw(Number.POSITIVE_INFINITY);
    const body = encode(release323);
    expect((await call(raw, body)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 50 }, () => call(raw, body)));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(puts()).toBe(1);
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual([ids.v7]);
  });

  it("successive changed check-ins each replace the stored one; the last one stays", async () => {
    const answers = [];
    for (const pg of [130014, 140010, 150004, 160004, 170001]) {
      answers.push((await post(encode({ ...release323, postgresqlVersion: pg }))).status);
    }
    expect(answers).toEqual([200, 200, 200, 200, 200]);
    const stored = await testEnv.RAW.getWithMetadata(ids.v7);
    expect(stored.metadata).toMatchObject({ p: 170001 });
  });
});
