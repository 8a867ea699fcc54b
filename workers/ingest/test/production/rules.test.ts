/** The production environment of wrangler.jsonc, exactly as deployed. */
import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureBody, post, testEnv, worker } from "../helpers";
import { encode, ids, release323 } from "../payloads";

afterEach(() => reset());

describe("production rules", () => {
  it("has no summarizer binding at all", () => {
    expect(testEnv.ENVIRONMENT).toBe("production");
    expect(testEnv.SUMMARIZER).toBeUndefined();
  });

  it("refuses pre-release versions with 422, naming them, writing nothing", async () => {
    const body = encode({
      ...release323,
      components: [
        { name: "core", version: "3.64.0" },
        { name: "rpm", version: "3.30.0.dev" },
        { name: "file", version: "2.0.0a6" },
      ],
    });
    const res = await post(body);
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { error: string; issues: { path: string }[] };
    expect(answer.error).toMatch(/pre-release.*dev deployment/);
    expect(answer.issues.map((i) => i.path)).toEqual([
      "components.1.version",
      "components.2.version",
    ]);
    expect((await testEnv.RAW.list()).keys).toHaveLength(0);
  });

  it("refuses the pulpcore 3.20 JSON fixture (dev installs only) with 422", async () => {
    const { body, contentType } = fixtureBody("pulpcore-3.20.json");
    expect((await post(body, { "Content-Type": contentType })).status).toBe(422);
  });

  it("accepts a release check-in", async () => {
    expect((await post(encode(release323))).status).toBe(200);
    expect((await testEnv.RAW.list()).keys.map((k) => k.name)).toEqual([ids.v7]);
  });

  it("answers PUT / with 405 and does not offer PUT", async () => {
    const res = await worker.fetch("http://analytics.test/?day=2026-11-20", { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, POST");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it("answers PUT / with 405 even with a bearer token", async () => {
    const res = await worker.fetch("http://analytics.test/", {
      method: "PUT",
      headers: { Authorization: "Bearer anything" },
    });
    expect(res.status).toBe(405);
  });
});

describe("versions that are not canonical (docs/contract.md#2-ingest-of-check-ins)", () => {
  it.each(["03.040.0", "99999999999999999999999.1.0", "3.40.0+evil.attacker_text"])(
    "refuses %s with 400 here too, not 422",
    async (version) => {
      const res = await post(encode({ ...release323, components: [{ name: "core", version }] }));
      expect(res.status).toBe(400);
      expect((await testEnv.RAW.list()).keys).toHaveLength(0);
    },
  );

  it("refuses PostgreSQL 9999999 with 400", async () => {
    expect((await post(encode({ ...release323, postgresqlVersion: 9_999_999 }))).status).toBe(400);
  });
});
