/**
 * What lets other tools discover and follow the open data: the data dictionary, the badges, the
 * Atom feed and the OpenAPI document. Headers, caching, KV reads and bad input for each.
 */
import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { Validator } from "@cfworker/json-schema";
import type { SiteEnv } from "@pulp-analytics/shared/env";
import { FAMILIES } from "@pulp-analytics/shared/opendata";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterEach, describe, expect, it } from "vitest";
import { xml2js } from "xml-js";
import { z } from "zod";
import app from "../src/index";
import { counting, day, freshOrigin, snapshot, summarize } from "./helpers";

afterEach(() => reset());

const DAY = 86_400_000;
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
const GENERATED = Date.parse("2026-04-03T00:00:07Z");

/** 2025-12-30 to 2026-04-02: two calendar years; rbac starts in 2026, core 3.50 late. */
function history(): Record<string, Point[]> {
  const series: Record<string, Point[]> = {};
  const add = (key: string, at: number, value: number) => {
    series[key] ??= [];
    series[key].push([at, value]);
  };
  for (let at = day("2025-12-30"), i = 0; at <= day("2026-04-02"); at += DAY, i++) {
    add("systems__total", at, 1000 + i);
    add("systems__persistent", at, 900 + i);
    add("versions__core__3.49", at, 900 - Math.min(i * 8, 800));
    if (i >= 30) add("versions__core__3.50", at, Math.min((i - 30) * 8, 800));
    add("versions_xyz__core__3.49.1", at, 500);
    if (at >= day("2026-01-05")) add("rbac__users__0", at, 40);
  }
  return series;
}

/** One view through the app with `env`, body read to the end, waitUntil work done. */
export async function view(env: SiteEnv, url: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, init), env, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, res);
}

function expectDataHeaders(res: Response) {
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Content-Security-Policy")).toBe(DATA_CSP);
}

describe("GET /api/v1/dictionary", () => {
  it("describes every family, with its first day read from SUMMARY", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/dictionary"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("ETag")).toMatch(/^"[\w-]+"$/);
    expectDataHeaders(res);
    const body = (await res.json()) as { families: { id: string; firstDay: string | null }[] };
    expect(body.families.map((f) => f.id)).toEqual(FAMILIES.map((f) => f.id));
    const first = Object.fromEntries(body.families.map((f) => [f.id, f.firstDay]));
    expect(first).toMatchObject({
      systems_total: "2025-12-30",
      versions: "2025-12-30",
      versions_xyz: "2025-12-30",
      rbac: "2026-01-05",
      postgresql: null,
    });
    // The key lists (a list and a bulk read), then one bulk read of the first years' chunks.
    expect(reads()).toBe(3);
    await view(env, at("/api/v1/dictionary"));
    expect(reads()).toBe(3);
  });

  it("as HTML for people: every family in one table, escaped, the page's CSP, the same reads", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/dictionary.html"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("Content-Security-Policy")).toMatch(
      /^default-src 'self'; script-src 'self'/,
    );
    const html = await res.text();
    expect(html).not.toContain("<script");
    const rows = [...html.matchAll(/<tr><th scope="row"><code>([a-z_]+)<\/code><\/th>/g)];
    expect(rows.map((m) => m[1])).toEqual(FAMILIES.map((f) => f.id));
    // Patterns' placeholders are text, not tags; first days come from SUMMARY.
    expect(html).toContain("<code>versions__&lt;component&gt;__&lt;x.y&gt;</code>");
    expect(html).not.toContain("<component>");
    expect(html).toMatch(/<code>rbac<\/code><\/th>(<td>.*?<\/td>){6}<td>2026-01-05<\/td>/);
    expect(html).toMatch(/<code>postgresql<\/code><\/th>(<td>.*?<\/td>){6}<td>none yet<\/td>/);
    expect(reads()).toBe(3);
    await view(env, at("/api/v1/dictionary.html"));
    expect(reads()).toBe(3);
  });

  it("before the first summary lists the families without days, never cached", async () => {
    const { env } = counting("production");
    const res = await view(env, freshOrigin()("/api/v1/dictionary"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as { families: { firstDay: string | null }[] };
    expect(body.families).toHaveLength(FAMILIES.length);
    expect(body.families.every((f) => f.firstDay === null)).toBe(true);
  });

  it("is a 404 JSON error below it, and changes nothing in SUMMARY", async () => {
    await summarize(history(), GENERATED);
    const before = await snapshot();
    const { env } = counting("dev");
    for (const path of ["/api/v1/dictionary/versions", `/api/v1/dictionary${"x".repeat(5000)}`]) {
      const res = await view(env, freshOrigin()(path));
      expect(res.status).toBe(404);
      expectDataHeaders(res);
      expect(((await res.json()) as { error: string }).error).toMatch(/no such API route/);
    }
    expect(await snapshot()).toEqual(before);
  });
});

/** shields.io's endpoint schema (https://shields.io/badges/endpoint-badge), as documented. */
const ShieldsEndpoint = z
  .object({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string().min(1),
    color: z.string().optional(),
    labelColor: z.string().optional(),
    isError: z.boolean().optional(),
    namedLogo: z.string().optional(),
    logoSvg: z.string().optional(),
    logoColor: z.string().optional(),
    logoWidth: z.number().optional(),
    style: z.string().optional(),
    cacheSeconds: z.number().int().min(300).optional(),
  })
  .strict();

describe("GET /api/v1/badge/<key>", () => {
  it("answers shields' endpoint schema with the latest day's value", async () => {
    await summarize(history(), GENERATED);
    const { env } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/badge/versions__core__3.50"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("Last-Modified")).toBe(new Date(GENERATED).toUTCString());
    expectDataHeaders(res);
    const badge = ShieldsEndpoint.parse(await res.json());
    expect(badge).toEqual({
      schemaVersion: 1,
      label: "core 3.50 installations",
      message: "504",
      color: "blue",
    });
    const total = ShieldsEndpoint.parse(
      await (await view(env, at("/api/v1/badge/systems__total"))).json(),
    );
    expect(total.message).toBe("1k");
    const xyz = await view(env, at("/api/v1/badge/versions_xyz__core__3.49.1"));
    expect(ShieldsEndpoint.parse(await xyz.json()).message).toBe("500");
  });

  it("costs the key list and one read of the page, then nothing; invented keys cost nothing", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    await view(env, at("/api/v1/badge/systems__total"));
    // The key list (a list and a bulk read), then `_page`.
    expect(reads()).toBe(3);
    await view(env, at("/api/v1/badge/systems__total"));
    expect(reads()).toBe(3);
    for (let i = 0; i < 20; i++) {
      const res = await view(env, at(`/api/v1/badge/versions__core__9.${i}`));
      expect(res.status).toBe(404);
      expectDataHeaders(res);
    }
    expect(reads()).toBe(3);
  });

  it("is a 404 JSON error for unknown, malformed and overlong keys, before any read", async () => {
    await summarize(history(), GENERATED);
    const before = await snapshot();
    const { env, reads } = counting("dev");
    for (const key of ["_page", "systems", "a".repeat(300), "versions__core__<b>", "%00"]) {
      const res = await view(env, freshOrigin()(`/api/v1/badge/${key}`));
      expect(res.status, key).toBe(404);
      expectDataHeaders(res);
      const body = (await res.json()) as { error: string; issues: { message: string }[] };
      expect(body.error).toBe("unknown series");
      expect(body.issues[0]?.message).toContain("/api/v1/series");
    }
    expect(reads()).toBe(0);
    for (const path of ["/api/v1/badge/", "/api/v1/badge/systems__total/x"]) {
      expect((await view(env, freshOrigin()(path))).status).toBe(404);
    }
    const unpublished = await view(env, freshOrigin()("/api/v1/badge/postgresql__15"));
    expect(unpublished.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

type Doc = {
  openapi: string;
  paths: Record<
    string,
    {
      get: {
        responses: Record<string, { content?: Record<string, { schema: object }> }>;
      };
    }
  >;
};

/** The operation documented for a request path: an exact path first, else a template. */
function operationOf(doc: Doc, path: string) {
  if (doc.paths[path]) return { template: path, op: doc.paths[path].get };
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+");
    if (new RegExp(`^${pattern}$`).test(path)) return { template, op: item.get };
  }
  return undefined;
}

/**
 * Checks one real answer against the document: its status is documented for the route, its media
 * type is one the document gives for that status, and a JSON body matches the schema given.
 */
async function expectDocumented(doc: Doc, path: string, res: Response): Promise<string> {
  const found = operationOf(doc, new URL(path, "http://x").pathname);
  expect(found, `${path} is documented`).toBeDefined();
  const documented = found?.op.responses[String(res.status)];
  expect(documented, `${path} → ${res.status} is documented`).toBeDefined();
  const body = await res.text();
  const type = res.headers.get("Content-Type")?.split(";")[0]?.trim() ?? "";
  if (!documented?.content) {
    expect(body, `${path} → ${res.status} has no body`).toBe("");
    return `${found?.template} ${res.status}`;
  }
  expect(Object.keys(documented.content), `${path} → ${res.status} media type`).toContain(type);
  const schema = documented.content[type]?.schema ?? {};
  const instance = type.endsWith("json") ? JSON.parse(body) : body;
  const result = new Validator(schema as never, "2020-12", false).validate(instance);
  expect(result.errors, `${path} → ${res.status} body`).toEqual([]);
  return `${found?.template} ${res.status}`;
}

describe("GET /api/v1/openapi.json", () => {
  it("is OpenAPI 3.1, cached like the other answers, and costs no KV read", async () => {
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/openapi.json"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expectDataHeaders(res);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(JSON.stringify(doc)).not.toContain("$ref");
    const again = await view(env, at("/api/v1/openapi.json"), {
      headers: { "If-None-Match": res.headers.get("ETag") ?? "" },
    });
    expect(again.status).toBe(304);
    expect(reads()).toBe(0);
  });

  it("describes every real answer of every route: status, media type and body", async () => {
    const { env } = counting("dev");
    const doc = (await (await view(env, freshOrigin()("/api/v1/openapi.json"))).json()) as Doc;
    const paths = [
      "/",
      "/api/v1/page",
      "/api/v1/page/weekly/2026",
      "/api/v1/page/weekly/1999",
      "/api/v1/health",
      "/api/v1/series",
      "/api/v1/series/systems__total",
      "/api/v1/series/versions__core__3.50.csv",
      "/api/v1/series/nope__1",
      "/api/v1/series/not a key",
      "/api/v1/dictionary",
      "/api/v1/dictionary.html",
      "/api/v1/badge/versions__core__3.49",
      "/api/v1/badge/rbac__users__0",
      "/api/v1/badge/nope__1",
      `/api/v1/joint/core_postgresql/${new Date(Date.now() - DAY).getUTCFullYear()}`,
      "/api/v1/joint/nope/2026",
      `/api/v1/movement/left_behind/${new Date(Date.now() - DAY).getUTCFullYear()}`,
      "/api/v1/movement/nope/2026",
      "/metrics",
      "/api/v1/export.csv",
      "/api/v1/openapi.json",
      "/feed.atom",
    ];
    const seen = new Set<string>();
    // Before the first summary (health 503), with stale data (503), then fresh (200).
    for (const phase of ["empty", "stale", "fresh"]) {
      if (phase === "stale") await summarize(history(), GENERATED);
      const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY;
      if (phase === "fresh") {
        await summarize(
          {
            systems__total: [[yesterday, 5]],
            "core_postgresql__3.49__15": [[yesterday, 5]],
            left_behind__6m: [[yesterday, 5]],
          },
          Date.now(),
        );
      }
      const at = freshOrigin();
      for (const path of paths) {
        const res = await view(env, at(path));
        seen.add(await expectDocumented(doc, path, res.clone()));
        const tag = res.headers.get("ETag");
        if (tag === null) continue;
        const cached = await view(env, at(path), { headers: { "If-None-Match": tag } });
        seen.add(await expectDocumented(doc, path, cached));
      }
    }
    // Every documented route was called, and answered each way it documents.
    const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.keys(item.get.responses).map((status) => `${template} ${status}`),
    );
    expect([...seen].sort()).toEqual(documented.sort());
  });
});

type XmlElement = {
  name?: string;
  attributes?: Record<string, string>;
  elements?: XmlElement[];
  text?: string;
  cdata?: string;
};
const children = (el: XmlElement | undefined, name: string) =>
  (el?.elements ?? []).filter((child) => child.name === name);
const textOf = (el: XmlElement | undefined) =>
  (el?.elements ?? []).map((child) => child.text ?? child.cdata ?? "").join("");
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * The constraints of RFC 4287 a reader relies on (section 4.1.1 and 4.1.2): one atom:feed in the
 * Atom namespace with exactly one id, title and updated, an author (on the feed here), a
 * rel="self" link; each entry with exactly one id (an IRI), title and updated, and a link; dates
 * in RFC 3339; ids unique. Returns the entries.
 */
function expectAtom(xml: string): XmlElement[] {
  const doc = xml2js(xml, { compact: false }) as XmlElement;
  const feeds = children(doc, "feed");
  expect(feeds).toHaveLength(1);
  const feed = feeds[0];
  expect(feed?.attributes?.xmlns).toBe("http://www.w3.org/2005/Atom");
  for (const name of ["id", "title", "updated"]) expect(children(feed, name), name).toHaveLength(1);
  expect(textOf(children(feed, "updated")[0])).toMatch(RFC3339);
  expect(children(children(feed, "author")[0], "name")).toHaveLength(1);
  const self = children(feed, "link").filter((l) => l.attributes?.rel === "self");
  expect(self).toHaveLength(1);
  const entries = children(feed, "entry");
  const ids = new Set<string>();
  for (const entry of entries) {
    for (const name of ["id", "title", "updated"])
      expect(children(entry, name), name).toHaveLength(1);
    const id = textOf(children(entry, "id")[0]);
    expect(id).toMatch(/^[a-z][a-z0-9+.-]*:\S+$/);
    ids.add(id);
    expect(textOf(children(entry, "updated")[0])).toMatch(RFC3339);
    expect(children(entry, "link").length).toBeGreaterThan(0);
  }
  expect(ids.size).toBe(entries.length);
  return entries;
}

describe("GET /feed.atom", () => {
  it("is valid Atom with an entry per release event, dated by its day, cached", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/feed.atom"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expectDataHeaders(res);
    const entries = expectAtom(await res.text());
    const titles = entries.map((e) => [
      textOf(children(e, "title")[0]),
      textOf(children(e, "updated")[0]).slice(0, 10),
    ]);
    // Day i from 2025-12-30: 3.50 has 8(i-30) of core's 660 (3.49 has 900-8i): 8 on day 31
    // (seen), a quarter (165) on day 51, half (330) on day 72.
    expect(titles).toEqual([
      ["core 3.50 or newer runs on half of core installations", "2026-03-12"],
      ["core 3.50 or newer runs on a quarter of core installations", "2026-02-19"],
      ["core 3.50 is in use", "2026-01-30"],
    ]);
    const id = textOf(children(entries[2], "id")[0]);
    expect(id).toBe(`tag:${new URL(at("/")).host},2022:release/core/3.50/seen`);
    // The x.y chunks: a list and one bulk read; then from the cache.
    expect(reads()).toBe(2);
    await view(env, at("/feed.atom"));
    expect(reads()).toBe(2);
  });

  it("before any release event is a valid empty feed, never cached", async () => {
    const { env } = counting("production");
    const res = await view(env, freshOrigin()("/feed.atom"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(expectAtom(await res.text())).toEqual([]);
  });

  it("has no neighbours: other paths are 404 JSON errors and read nothing", async () => {
    const { env, reads } = counting("production");
    for (const path of ["/feed.atom/x", "/feed.rss", `/feed.atom${"m".repeat(3000)}`]) {
      const res = await view(env, freshOrigin()(path));
      expect(res.status, path).toBe(404);
      expectDataHeaders(res);
    }
    expect(reads()).toBe(0);
  });
});
