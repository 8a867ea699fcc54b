import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { BINDING } from "@pulp-analytics/shared/config";
import type { SiteEnv } from "@pulp-analytics/shared/env";
import { PAGE_KEY } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import app from "../src/index";
import { cachePolicy } from "../src/policy";
import { counting, day, freshOrigin, snapshot, summarize, summary, worker } from "./helpers";

afterEach(() => reset());

const D1 = day("2026-04-01");
const D2 = day("2026-04-02");
const GENERATED = Date.parse("2026-04-03T00:00:07Z");

const SERIES: Record<string, Point[]> = {
  systems__total: [
    [D1, 10],
    [D2, 12],
  ],
  systems__persistent: [
    [D1, 8],
    [D2, 9],
  ],
  "versions__core__3.49": [[D2, 9]],
  "versions_xyz__core__3.49.1": [
    [D1, 8],
    [D2, 9],
  ],
  age__0: [[D2, 3]],
};

async function json(res: Response): Promise<unknown> {
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  return res.json();
}

describe("before the first summary", () => {
  it("serves the page and an empty page data, so the page shows its empty state", async () => {
    const at = freshOrigin();
    const page = await worker.fetch(at("/"));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="empty"');
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(await json(await worker.fetch(at("/api/v1/page")))).toEqual({
      v: 2,
      generatedAt: 0,
      asOf: null,
      recent: { start: 0, series: {} },
      latestXyz: {},
      years: [],
    });
    expect(await json(await worker.fetch(at("/api/v1/series")))).toEqual({
      keys: [],
      families: {},
    });
  });

  it("does not cache the empty state, so the first summary shows at once", async () => {
    const at = freshOrigin();
    for (const path of ["/api/v1/page", "/api/v1/series"]) {
      const empty = await worker.fetch(at(path));
      expect(empty.headers.get("Cache-Control")).toBe("no-store");
      expect(empty.headers.get("ETag")).toBeNull();
    }
    await summarize(SERIES, GENERATED);
    expect(await json(await worker.fetch(at("/api/v1/page")))).toMatchObject({ asOf: D2 });
    expect(await json(await worker.fetch(at("/api/v1/series")))).toMatchObject({
      keys: Object.keys(SERIES).sort(),
    });
  });

  it("answers a well-formed but unpublished key with the 404 error shape", async () => {
    const res = await worker.fetch(freshOrigin()("/api/v1/series/systems__total"));
    expect(res.status).toBe(404);
    const body = (await json(res)) as { error: string; issues: unknown[] };
    expect(body.error).toBe("unknown series");
    expect(body.issues).toHaveLength(1);
  });
});

describe("with summarized data", () => {
  it("serves the page data exactly as the summarizer stored it", async () => {
    const page = await summarize(SERIES, GENERATED);
    const res = await worker.fetch(freshOrigin()("/api/v1/page"));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(page);
    expect(page.asOf).toBe(D2);
  });

  it("lists every published series key, exact versions included, and no bookkeeping key", async () => {
    await summarize(SERIES, GENERATED);
    const body = (await json(await worker.fetch(freshOrigin()("/api/v1/series")))) as {
      keys: string[];
      families: Record<string, string>;
    };
    expect(body.keys).toEqual(Object.keys(SERIES).sort());
    // Each key linked to its family of /api/v1/dictionary.
    expect(body.families).toEqual({
      age__0: "age",
      systems__persistent: "systems_persistent",
      systems__total: "systems_total",
      "versions__core__3.49": "versions",
      "versions_xyz__core__3.49.1": "versions_xyz",
    });
  });

  it("serves a series as JSON, exact-version history included", async () => {
    await summarize(SERIES, GENERATED);
    const at = freshOrigin();
    expect(await json(await worker.fetch(at("/api/v1/series/systems__total")))).toEqual(
      SERIES.systems__total,
    );
    expect(await json(await worker.fetch(at("/api/v1/series/versions_xyz__core__3.49.1")))).toEqual(
      SERIES["versions_xyz__core__3.49.1"],
    );
  });

  it("serves a series as CSV with a header row", async () => {
    await summarize(SERIES, GENERATED);
    const res = await worker.fetch(freshOrigin()("/api/v1/series/systems__persistent.csv"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(await res.text()).toBe(
      `timestamp,date,value\r\n${D1},2026-04-01,8\r\n${D2},2026-04-02,9\r\n`,
    );
  });

  it("never lets a key that is not a series key reach KV", async () => {
    await summarize(SERIES, GENERATED);
    const at = freshOrigin();
    // `_page` exists in SUMMARY: a 404 here shows it was refused before the read.
    for (const name of [
      "_page",
      "_page.csv",
      "systems",
      "systems__",
      "%3Cscript%3E__x",
      "a__b%2Fc",
      // Longer than KV allows for a key: refused before any read, never a KV error.
      `${"x".repeat(510)}__1`,
    ]) {
      const res = await worker.fetch(at(`/api/v1/series/${name}`));
      expect(res.status, name).toBe(404);
      expect(((await json(res)) as { error: string }).error).toBe("unknown series");
    }
  });

  it("serves a year of weekly history as stored, and 404 for a year without one", async () => {
    await summarize(SERIES, GENERATED);
    const at = freshOrigin();
    const weekly = await json(await worker.fetch(at("/api/v1/page/weekly/2026")));
    expect(weekly).toEqual(JSON.parse((await summary.get("h:2026", "text")) ?? ""));
    // 1 and 2 April fall in different seven-day blocks counted from 1 January (days 90 and 91).
    expect(weekly).toMatchObject({ v: 2, year: 2026, series: { systems__total: [90, 10, 1, 12] } });
    const none = await worker.fetch(at("/api/v1/page/weekly/2019"));
    expect(none.status).toBe(404);
    expect(await json(none)).toMatchObject({ error: "no weekly history" });
    expect((await worker.fetch(at("/api/v1/page/weekly/20x6"))).status).toBe(404);
  });

  it("answers unknown API routes with the JSON error shape", async () => {
    const res = await worker.fetch(freshOrigin()("/api/v2/anything"));
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ error: expect.any(String), issues: [] });
  });

  it("answers HEAD like GET, without a body", async () => {
    await summarize(SERIES, GENERATED);
    const res = await worker.fetch(freshOrigin()("/api/v1/series/systems__total"), {
      method: "HEAD",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toMatch(/^"[\w-]+"$/);
    expect(await res.text()).toBe("");
  });
});

describe("health", () => {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;

  it("is 503 empty before the first summary, 200 ok with yesterday's, 503 stale with an old one", async () => {
    const empty = await worker.fetch(freshOrigin()("/api/v1/health"));
    expect(empty.status).toBe(503);
    expect(empty.headers.get("Cache-Control")).toBe("no-store");
    expect(await json(empty)).toEqual({
      status: "empty",
      asOf: null,
      generatedAt: null,
      ageHours: null,
      pendingWrites: 0,
    });

    const yesterday = today - 86_400_000;
    await summarize({ systems__total: [[yesterday, 4]] }, today + 1_000);
    const ok = await worker.fetch(freshOrigin()("/api/v1/health"));
    expect(ok.status).toBe(200);
    expect(await json(ok)).toMatchObject({
      status: "ok",
      asOf: new Date(yesterday).toISOString().slice(0, 10),
      generatedAt: new Date(today + 1_000).toISOString(),
      pendingWrites: 0,
    });

    await reset();
    await summarize({ systems__total: [[today - 5 * 86_400_000, 4]] }, today - 4 * 86_400_000);
    await summary.put("_journal", JSON.stringify({ v: 1, days: [{ day: today, points: [] }] }));
    const stale = await worker.fetch(freshOrigin()("/api/v1/health"));
    expect(stale.status).toBe(503);
    const body = (await json(stale)) as { status: string; ageHours: number; pendingWrites: number };
    expect(body).toMatchObject({ status: "stale", pendingWrites: 1 });
    expect(body.ageHours).toBeGreaterThanOrEqual(4 * 24);
  });
});

describe("escaping", () => {
  it("echoes a hostile series name only inside JSON, never as markup", async () => {
    const name = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E";
    const res = await worker.fetch(freshOrigin()(`/api/v1/series/${name}`));
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it("keeps the page free of inline script and of data from the internet", async () => {
    const html = await (await worker.fetch(freshOrigin()("/"))).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/[^/]/);
      expect(body).toBe("");
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("headers", () => {
  const routes = [
    "/",
    "/api/v1/page",
    "/api/v1/series",
    "/api/v1/series/systems__total",
    "/api/v1/series/systems__total.csv",
    "/api/v1/series/nope__x",
    "/nope",
  ];

  it.each(routes)("%s carries the security headers", async (path) => {
    await summarize(SERIES, GENERATED);
    const res = await worker.fetch(freshOrigin()(path));
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("gives the page a CSP that loads only its own origin", async () => {
    const res = await worker.fetch(freshOrigin()("/"));
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )connect-src 'self'(;|$)/);
    // The bar fills frappe-charts writes as style attributes are allowed by hash, one by one.
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("fill: #332288"));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    expect(csp).toContain(`'sha256-${hash}'`);
  });
});

describe("conditional requests", () => {
  it.each(["/", "/api/v1/page", "/api/v1/series", "/api/v1/series/systems__total.csv"])(
    "%s answers 304 to its own ETag, 200 to another",
    async (path) => {
      await summarize(SERIES, GENERATED);
      const at = freshOrigin();
      const first = await worker.fetch(at(path));
      expect(first.status).toBe(200);
      const etag = first.headers.get("ETag") ?? "";
      expect(etag).toMatch(/^"[\w-]{24}"$/);
      // Dev: never from the edge cache, browsers revalidate (production: see KV reads per view).
      expect(first.headers.get("Cache-Control")).toBe("no-cache");
      for (const tag of [etag, `W/${etag}`, `"other", ${etag}`]) {
        const again = await worker.fetch(at(path), { headers: { "If-None-Match": tag } });
        expect(again.status, tag).toBe(304);
        expect(await again.text()).toBe("");
        expect(again.headers.get("ETag")).toBe(etag);
        expect(again.headers.get("X-Content-Type-Options")).toBe("nosniff");
      }
      const changed = await worker.fetch(at(path), { headers: { "If-None-Match": '"other"' } });
      expect(changed.status).toBe(200);
    },
  );

  it("sends Last-Modified from the summary run and answers If-Modified-Since", async () => {
    await summarize(SERIES, GENERATED);
    const at = freshOrigin();
    const first = await worker.fetch(at("/api/v1/page"));
    const lastModified = first.headers.get("Last-Modified") ?? "";
    expect(lastModified).toBe(new Date(GENERATED).toUTCString());
    const later = await worker.fetch(at("/api/v1/page"), {
      headers: { "If-Modified-Since": lastModified },
    });
    expect(later.status).toBe(304);
    const earlier = new Date(GENERATED - 60_000).toUTCString();
    const stale = await worker.fetch(at("/api/v1/page"), {
      headers: { "If-Modified-Since": earlier },
    });
    expect(stale.status).toBe(200);
  });
});

describe("KV reads per view", () => {
  async function view(env: SiteEnv, at: (path: string) => string, paths: string[]) {
    for (const path of paths) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(at(path)), env, ctx);
      await res.arrayBuffer();
      await waitOnExecutionContext(ctx);
    }
  }

  it("in production costs one read uncached and none once cached", async () => {
    await summarize(SERIES, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    await view(env, at, ["/", "/api/v1/page"]);
    expect(reads()).toBe(1);
    await view(env, at, ["/", "/api/v1/page"]);
    expect(reads()).toBe(1);
  });

  it("in production reads a series' whole history with a list and one bulk read", async () => {
    await summarize(SERIES, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    // The published keys (a list and a bulk read, kept in the cache), then the group's chunks.
    await view(env, at, ["/api/v1/series/systems__total"]);
    expect(reads()).toBe(4);
    await view(env, at, ["/api/v1/series/systems__total"]);
    expect(reads()).toBe(4);
    await view(env, at, ["/api/v1/series/age__0"]);
    expect(reads()).toBe(6);
  });

  it("in production answers invented names from the cached key list, without a KV read", async () => {
    await summarize(SERIES, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    await view(env, at, ["/api/v1/series"]);
    expect(reads()).toBe(2);
    const invented = Array.from({ length: 20 }, (_, i) => `/api/v1/series/versions__core__9${i}.0`);
    await view(env, at, [...invented, "/api/v1/series/nope__1", "/api/v1/series/nope__1"]);
    expect(reads()).toBe(2);
    await view(env, at, ["/api/v1/page", "/api/v1/p%61ge", "/api/v1/%70age", "/api/%761/page"]);
    expect(reads()).toBe(3);
  });

  it("on the local stack reads on every view, so a GET after a summary run shows it at once", async () => {
    await summarize(SERIES, GENERATED);
    const { env, reads } = counting("local");
    const at = freshOrigin();
    await view(env, at, ["/api/v1/page"]);
    const D3 = day("2026-04-03");
    await summarize({ systems__total: [[D3, 15]] }, GENERATED + 86_400_000);
    const after = await app.fetch(
      new Request(at("/api/v1/series/systems__total")),
      env,
      createExecutionContext(),
    );
    expect(await after.json()).toEqual([...(SERIES.systems__total ?? []), [D3, 15]]);
    const page = await app.fetch(new Request(at("/api/v1/page")), env, createExecutionContext());
    expect(((await page.json()) as { asOf: number }).asOf).toBe(D3);
    // The page, then the series (the key list and the group's chunks: 4), then the page again.
    expect(reads()).toBe(1 + 4 + 1);
  });
});

describe("caching per environment", () => {
  it("production five minutes, the deployed dev worker one, the local stack nothing", () => {
    expect(cachePolicy({ ENVIRONMENT: "production" })).toEqual({
      edge: true,
      cacheControl: "public, max-age=300",
    });
    expect(cachePolicy({ ENVIRONMENT: "dev" })).toEqual({
      edge: true,
      cacheControl: "public, max-age=60",
    });
    expect(cachePolicy({ ENVIRONMENT: "dev", LOCAL_STACK: "true" })).toEqual({
      edge: false,
      cacheControl: "no-cache",
    });
    // A missing or unknown environment is cached: it must not make every view cost reads.
    expect(cachePolicy({ ENVIRONMENT: "" }).edge).toBe(true);
  });

  it("the deployed dev worker keeps an answer a minute, reading SUMMARY once", async () => {
    await summarize(SERIES, GENERATED);
    const { env, reads } = counting("dev");
    const at = freshOrigin();
    const ctx = createExecutionContext();
    const first = await app.fetch(new Request(at("/api/v1/page")), env, ctx);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=60");
    const asOf = ((await first.json()) as { asOf: number }).asOf;
    await waitOnExecutionContext(ctx);
    await summarize({ systems__total: [[day("2026-04-03"), 15]] }, GENERATED + 86_400_000);
    const again = await app.fetch(new Request(at("/api/v1/page")), env, createExecutionContext());
    expect(((await again.json()) as { asOf: number }).asOf).toBe(asOf);
    expect(reads()).toBe(1);
  });

  it("wrangler dev runs the site as the local stack (workers/site/.dev.vars.dev)", () => {
    expect((env as unknown as SiteEnv).LOCAL_STACK).toBe("true");
  });
});

describe("read-only", () => {
  it("types SUMMARY without any write method", () => {
    type Writes = Extract<keyof SiteEnv[typeof BINDING.SUMMARY], "put" | "delete">;
    expectTypeOf<Writes>().toEqualTypeOf<never>();
  });

  it("changes nothing in SUMMARY, whatever the method, path or body", async () => {
    await summarize(SERIES, GENERATED);
    const before = await snapshot();
    expect(Object.keys(before)).toContain(PAGE_KEY);
    const at = freshOrigin();
    const paths = [
      "/",
      "/?day=2026-04-02",
      "/api/v1/page",
      "/api/v1/series",
      "/api/v1/series/systems__total",
      "/api/v1/series/_page",
      "/api/v1/series/systems__total.csv",
    ];
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of paths) {
        const res = await worker.fetch(at(path), { method, body: JSON.stringify([[D1, 999]]) });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("Allow")).toBe("GET, HEAD");
      }
    }
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      for (const path of paths) await (await worker.fetch(at(path), { method })).arrayBuffer();
    }
    expect(await snapshot()).toEqual(before);
  });
});
