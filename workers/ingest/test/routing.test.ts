import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { DATA_CSP, SECRET, SECURITY_HEADERS, VAR } from "@pulp-analytics/shared/config";
import { afterEach, describe, expect, it } from "vitest";
import app from "../src/index";
import { post, testEnv, worker } from "./helpers";
import { encode, release323 } from "./payloads";
import { TEST_TRIGGER_TOKEN } from "./token";

afterEach(() => reset());

const call = (method: string, path = "/", headers: Record<string, string> = {}) =>
  worker.fetch(`http://analytics.test${path}`, { method, headers });

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("the front door (dev)", () => {
  it.each(["/", "/api/v1/series", "/vendor/frappe-charts.min.umd.js"])(
    "forwards GET %s to the site",
    async (path) => {
      const res = await call("GET", path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        worker: "site",
        method: "GET",
        url: `http://analytics.test${path}`,
      });
    },
  );

  it("forwards HEAD to the site", async () => {
    const res = await call("HEAD", "/");
    expect(res.status).toBe(200);
  });

  it("forwards PUT / with its query and the right token to the summarizer", async () => {
    const res = await call("PUT", "/?day=2026-11-20", bearer(TEST_TRIGGER_TOKEN));
    expect(await res.json()).toEqual({
      worker: "summarizer",
      method: "PUT",
      url: "http://analytics.test/?day=2026-11-20",
      // The token stops at ingest.
      authorization: null,
    });
  });

  it.each(["DELETE", "PATCH", "OPTIONS"])("answers %s / with 405 and Allow", async (method) => {
    const res = await call(method);
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, POST, PUT");
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("not allowed") });
  });

  it("answers PUT elsewhere with 405", async () => {
    const res = await call("PUT", "/api/v1/series");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("answers POST elsewhere with 405, as any other method there (docs/contract.md#1-one-origin-three-workers)", async () => {
    const res = await post("{}", { "Content-Type": "application/json" }, "/api/v1/series");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(await res.json()).toEqual({
      error: "method not allowed; allowed: GET, HEAD",
      issues: [],
    });
  });

  it("accepts pre-release versions in dev", async () => {
    const body = JSON.stringify({
      system_id: "0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6",
      versions: [{ component: "core", version: "3.20.0.dev" }],
    });
    const res = await post(body, { "Content-Type": "application/json" });
    expect(res.status).toBe(200);
  });
});

describe("the dev summary trigger (docs/contract.md#5-dev-only-summary-trigger)", () => {
  async function callWith(env: Record<string, unknown>, headers: Record<string, string>) {
    const ctx = createExecutionContext();
    const request = new Request("http://analytics.test/", { method: "PUT", headers });
    const res = await app.fetch(request, { ...testEnv, ...env }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each([
    ["no Authorization", {}],
    ["a wrong token", bearer("not-the-token")],
    ["the token with a prefix", bearer(`x${TEST_TRIGGER_TOKEN}`)],
    ["the token as Basic", { Authorization: `Basic ${TEST_TRIGGER_TOKEN}` }],
    ["an empty bearer", { Authorization: "Bearer " }],
  ])("answers %s with a JSON 401, reaching no summarizer", async (_name, headers) => {
    const res = await call("PUT", "/", headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("Bearer") });
  });

  it("fails closed when the secret is missing: even a token gets 401", async () => {
    const res = await callWith({ [SECRET.SUMMARY_TRIGGER_TOKEN]: undefined }, bearer("anything"));
    expect(res.status).toBe(401);
  });

  it("asks for nothing on the local stack", async () => {
    const res = await callWith({ [VAR.LOCAL_STACK]: "true" }, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ worker: "summarizer" });
  });
});

describe("security headers on ingest's own answers (docs/contract.md#2-ingest-of-check-ins)", () => {
  const expectSecured = (res: Response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(res.headers.get(name), name).toBe(value);
    }
    expect(res.headers.get("Content-Security-Policy")).toBe(DATA_CSP);
  };

  it.each([
    ["POST / stored (200)", () => post(encode(release323))],
    ["POST / invalid (400)", () => post("{", { "Content-Type": "application/json" })],
    ["POST / too large (413)", () => post(new Uint8Array(17 * 1024))],
    ["DELETE / (405)", () => call("DELETE")],
    ["POST elsewhere (405)", () => post("{}", {}, "/api/v1/series")],
    ["PUT / without a token (401)", () => call("PUT")],
    ["the forwarded PUT report", () => call("PUT", "/", bearer(TEST_TRIGGER_TOKEN))],
  ])("%s", async (_name, request) => {
    expectSecured(await request());
  });

  it("leaves the site's own answers as the site made them", async () => {
    const res = await call("GET", "/");
    expect(res.headers.get("Content-Security-Policy")).toBeNull();
  });
});
