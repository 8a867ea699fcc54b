import { describe, expect, it } from "vitest";
import { post, worker } from "./helpers";

const call = (method: string, path = "/") =>
  worker.fetch(`http://analytics.test${path}`, { method });

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

  it("forwards PUT / with its query to the summarizer", async () => {
    const res = await call("PUT", "/?day=2026-11-20");
    expect(await res.json()).toEqual({
      worker: "summarizer",
      method: "PUT",
      url: "http://analytics.test/?day=2026-11-20",
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

  it("answers POST elsewhere with 405, as any other method there (contract §1)", async () => {
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
