/**
 * `/metrics` and `/api/v1/export.csv`: format, headers, KV reads, caching, empty state.
 */
import { createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import type { SiteEnv } from "@pulp-analytics/shared/env";
import { openMetrics } from "@pulp-analytics/shared/opendata";
import { CHUNK_PREFIX, seriesFromChunks } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { afterEach, describe, expect, it } from "vitest";
import app from "../src/index";
import { jointGroups, jointYears, movementGroups } from "../src/joint";
import { counting, day, freshOrigin, summarize, summary, worker } from "./helpers";

afterEach(() => reset());

const DAY = 86_400_000;
const OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
const GENERATED = Date.parse("2026-01-11T00:00:05Z");

/**
 * 2024-12-20 to 2026-01-10: three calendar years of eight single-fact groups and four joint ones,
 * with gaps and versions moving on.
 */
function history(): Record<string, Point[]> {
  const series: Record<string, Point[]> = {};
  const add = (key: string, at: number, value: number) => {
    series[key] ??= [];
    series[key].push([at, value]);
  };
  for (let at = day("2024-12-20"), i = 0; at <= day("2026-01-10"); at += DAY, i++) {
    add("systems__total", at, 100 + (i % 17));
    add("systems__persistent", at, 90 + (i % 13));
    add(`versions__core__3.${45 + Math.floor(i / 150)}`, at, 60 + (i % 5));
    if (i % 2 === 0) add("versions__rpm__3.28", at, 20);
    add(`versions_xyz__core__3.${45 + Math.floor(i / 150)}.${i % 3}`, at, 30);
    add("postgresql__15", at, 70);
    if (i % 7 === 0) add("postgresql__16", at, 3);
    add("online_workers__processes__mean", at, 2 + (i % 4) / 4);
    add("age__0", at, 5);
    add("rbac__users__3-4", at, 11);
    add(`core_postgresql__3.${45 + Math.floor(i / 150)}__15`, at, 55);
    add(`core_postgresql__3.${45 + Math.floor(i / 150)}__other`, at, 5 + (i % 5));
    add("plugin_core__rpm__3.28__other", at, 20);
    add("installed__rpm", at, 20);
    add("together__core__rpm", at, 20);
  }
  return series;
}

/** One view through the app with `env`, body read to the end, waitUntil work done. */
async function view(env: SiteEnv, url: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, init), env, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, res);
}

/** The body as UTF-8 (Response.text() warns about the OpenMetrics content type). */
async function bodyText(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("Content-Security-Policy")).toBe(DATA_CSP);
}

/** All chunk texts of SUMMARY, read directly. */
async function chunkTexts(): Promise<string[]> {
  const texts: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await summary.list({ prefix: CHUNK_PREFIX, cursor });
    for (const { name } of page.keys) texts.push((await summary.get(name, "text")) ?? "");
    if (page.list_complete) return texts;
    cursor = page.cursor;
  }
}

describe("GET /metrics", () => {
  it("before the first summary is a valid exposition without samples, never cached", async () => {
    const { env, reads } = counting("production");
    const at = freshOrigin();
    for (let i = 1; i <= 2; i++) {
      const res = await view(env, at("/metrics"));
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe(OPENMETRICS);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("ETag")).toBeNull();
      expectSecurityHeaders(res);
      expect(await bodyText(res)).toBe("# EOF\n");
      expect(reads()).toBe(i);
    }
  });

  it("serves the latest summarized day from the page data, with the security headers", async () => {
    const page = await summarize(history(), GENERATED);
    const res = await worker.fetch(freshOrigin()("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(OPENMETRICS);
    expectSecurityHeaders(res);
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(res.headers.get("ETag")).toMatch(/^"[\w-]{24}"$/);
    expect(res.headers.get("Last-Modified")).toBe(new Date(GENERATED).toUTCString());
    const text = await bodyText(res);
    // The joint series are not in the page data: the route reads them from the latest year.
    const latest = day("2026-01-10");
    const joint = new Map(
      Object.entries(history()).flatMap(([key, points]) => {
        const last = points[points.length - 1];
        return /^(core_postgresql|plugin_core|installed|together)__/.test(key) &&
          last?.[0] === latest
          ? [[key, last[1]] as [string, number]]
          : [];
      }),
    );
    expect(joint.size).toBe(5);
    expect(text).toBe(openMetrics(page, joint));
    expect(text).toContain('pulp_analytics_core_postgresql{core="3.47",major="15"} 55\n');
    expect(text).toContain('pulp_analytics_core_postgresql{core="3.47",major="other"} ');
    expect(text).toContain(
      'pulp_analytics_plugin_core{plugin="rpm",version="3.28",core="other"} 20\n',
    );
    expect(text).toContain('pulp_analytics_installed{component="rpm"} 20\n');
    expect(text).toContain('pulp_analytics_together{component="core",with="rpm"} 20\n');
    expect(text.endsWith("\n# EOF\n")).toBe(true);
    expect(text).toContain(`pulp_analytics_summary_day_seconds ${day("2026-01-10") / 1000}\n`);
    expect(text).toContain("pulp_analytics_summary_generated_seconds 1768089605\n");
    expect(text).toContain('pulp_analytics_systems{kind="total"} ');
    expect(text).toContain('pulp_analytics_versions{component="core",version="3.47"} ');
    expect(text).toContain('pulp_analytics_postgresql{major="15"} 70\n');
    expect(text).toContain('pulp_analytics_online_workers{measure="processes",stat="mean"} ');
    expect(text).toContain('pulp_analytics_age{bucket="0"} 5\n');
    expect(text).toContain('pulp_analytics_rbac{measure="users",bucket="3-4"} 11\n');
    expect(text).not.toContain("versions_xyz");
  });

  it("answers HEAD without a body and If-None-Match with 304", async () => {
    await summarize(history(), GENERATED);
    const at = freshOrigin();
    const head = await worker.fetch(at("/metrics"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await bodyText(head)).toBe("");
    const etag = head.headers.get("ETag") ?? "";
    const again = await worker.fetch(at("/metrics"), { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("costs three KV reads uncached and none cached when deployed; three per view locally", async () => {
    await summarize(history(), GENERATED);
    const production = counting("production");
    const at = freshOrigin();
    // `_page`, a list of `c:`, one bulk read of the latest year's joint chunks.
    const first = await view(production.env, at("/metrics"));
    expect(production.reads()).toBe(3);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=300");
    const cached = await view(production.env, at("/metrics"));
    expect(production.reads()).toBe(3);
    expect(await bodyText(cached)).toBe(await bodyText(first));
    expectSecurityHeaders(cached);
    await view(production.env, at("/m%65trics"));
    expect(production.reads()).toBe(3);

    // The deployed dev worker: cached too, for a minute.
    const dev = counting("dev");
    const other = freshOrigin();
    const devFirst = await view(dev.env, other("/metrics"));
    expect(devFirst.headers.get("Cache-Control")).toBe("public, max-age=60");
    await view(dev.env, other("/metrics"));
    expect(dev.reads()).toBe(3);

    const local = counting("local");
    await view(local.env, at("/metrics"));
    await view(local.env, at("/metrics"));
    expect(local.reads()).toBe(6);
  });

  it("is read-only: other methods are 405", async () => {
    const res = await worker.fetch(freshOrigin()("/metrics"), { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });
});

describe("GET /api/v1/export.csv", () => {
  const DISPOSITION = 'attachment; filename="pulp-analytics.csv"';

  it("before the first summary is the header row alone, never cached", async () => {
    const { env, reads } = counting("production");
    const at = freshOrigin();
    for (let i = 1; i <= 2; i++) {
      const res = await view(env, at("/api/v1/export.csv"));
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("Content-Disposition")).toBe(DISPOSITION);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expectSecurityHeaders(res);
      expect(await bodyText(res)).toBe("date,key,value\r\n");
      expect(reads()).toBe(i);
    }
  });

  it("has every series and every day, by key then date, as the series API has them", async () => {
    await summarize(history(), GENERATED);
    const at = freshOrigin();
    const res = await worker.fetch(at("/api/v1/export.csv"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(DISPOSITION);
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expectSecurityHeaders(res);
    const csv = await bodyText(res);
    expect(csv.endsWith("\r\n")).toBe(true);
    const [header, ...lines] = csv.slice(0, -2).split("\r\n");
    expect(header).toBe("date,key,value");
    const rows = lines.map((line) => line.split(","));
    const order = rows.map(([date, key]) => `${key} ${date}`);
    expect(order).toEqual([...order].sort());

    const { keys } = (await (await worker.fetch(at("/api/v1/series"))).json()) as {
      keys: string[];
    };
    expect([...new Set(rows.map((row) => row[1]))]).toEqual(keys);
    const texts = await chunkTexts();
    for (const key of keys) {
      const expected = seriesFromChunks(key, texts).map(([t, v]) => [
        new Date(t).toISOString().slice(0, 10),
        key,
        String(v),
      ]);
      expect(expected.length).toBeGreaterThan(0);
      expect(
        rows.filter((row) => row[1] === key),
        key,
      ).toEqual(expected);
    }
    const series = history();
    expect(rows.length).toBe(Object.values(series).reduce((n, points) => n + points.length, 0));
    expect(rows.filter((row) => row[1] === "systems__total")).toHaveLength(
      series.systems__total?.length ?? -1,
    );
    expect(csv).toContain("\r\n2024-12-20,age__0,5\r\n");
    expect(csv).toContain("\r\n2024-12-21,online_workers__processes__mean,2.25\r\n");
  });

  it("reads a list and one bulk read per ten chunks; deployed, nothing once cached", async () => {
    await summarize(history(), GENERATED);
    const chunks = (await summary.list({ prefix: CHUNK_PREFIX })).keys.length;
    // Eight single-fact groups and four joint ones over three calendar years.
    expect(chunks).toBe(36);
    const expected = 1 + Math.ceil(chunks / 10);

    const local = counting("local");
    const at = freshOrigin();
    const uncached = await view(local.env, at("/api/v1/export.csv"));
    expect(uncached.headers.get("Cache-Control")).toBe("no-cache");
    const fresh = await bodyText(uncached);
    await view(local.env, at("/api/v1/export.csv"));
    expect(local.reads()).toBe(2 * expected);

    const production = counting("production");
    const first = await view(production.env, at("/api/v1/export.csv"));
    expect(production.reads()).toBe(expected);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(await bodyText(first)).toBe(fresh);
    for (const path of ["/api/v1/export.csv", "/api/v1/export%2Ecsv"]) {
      const cached = await view(production.env, at(path));
      expect(production.reads(), path).toBe(expected);
      expect(cached.headers.get("Content-Disposition")).toBe(DISPOSITION);
      expectSecurityHeaders(cached);
      expect(await bodyText(cached)).toBe(fresh);
    }

    // The deployed dev worker lists and reads SUMMARY once a minute, not once a view.
    const dev = counting("dev");
    const devAt = freshOrigin();
    const devFirst = await view(dev.env, devAt("/api/v1/export.csv"));
    expect(devFirst.headers.get("Cache-Control")).toBe("public, max-age=60");
    expect(await bodyText(devFirst)).toBe(fresh);
    const devAgain = await view(dev.env, devAt("/api/v1/export.csv"));
    expect(await bodyText(devAgain)).toBe(fresh);
    expect(dev.reads()).toBe(expected);
  });

  it("follows the list cursor past 1,000 chunk names", async () => {
    // 1,001 one-point chunks, written directly: a group per chunk.
    const start = Date.UTC(2026, 0, 1);
    const puts: Promise<void>[] = [];
    for (let i = 0; i < 1001; i++) {
      const group = `g${String(i).padStart(4, "0")}`;
      const chunk = { v: 2, year: 2026, start, series: { [`${group}__x`]: [i % 365, i] } };
      puts.push(summary.put(`c:${group}:2026`, JSON.stringify(chunk)));
    }
    await Promise.all(puts);
    const { env, reads } = counting("local");
    const csv = await bodyText(await view(env, freshOrigin()("/api/v1/export.csv")));
    expect(reads()).toBe(2 + Math.ceil(1001 / 10));
    const lines = csv.slice(0, -2).split("\r\n");
    expect(lines).toHaveLength(1002);
    expect(lines[1]).toBe("2026-01-01,g0000__x,0");
    expect(lines[1001]).toBe(
      `${new Date(start + (1000 % 365) * DAY).toISOString().slice(0, 10)},g1000__x,1000`,
    );
  }, 30_000);

  it("answers HEAD without reading a chunk", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("local");
    const res = await view(env, freshOrigin()("/api/v1/export.csv"), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await bodyText(res)).toBe("");
    expect(reads()).toBe(1);
  });
});

describe("GET /api/v1/joint/<group>/<YYYY>", () => {
  it("is one read of the group's year chunk, as stored; a published plugin's empty year is 200", async () => {
    // rpm has joint series; file is a published plugin whose table has no points yet.
    await summarize({ ...history(), "versions__file__1.0": [[day("2026-01-05"), 7]] }, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/joint/core_postgresql/2025"));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    // The key list (a list and a bulk read), the page data, then the chunk.
    expect(reads()).toBe(4);
    expect(await res.text()).toBe(await summary.get("c:core_postgresql:2025", "text"));
    const rpm = await view(env, at("/api/v1/joint/plugin_core__rpm/2026"));
    expect(rpm.status).toBe(200);
    expect(reads()).toBe(5);
    // A year SUMMARY holds without the group's series is an empty year (the planner asks for
    // each year of its range), after one read.
    const empty = await view(env, at("/api/v1/joint/plugin_core__file/2024"));
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({
      v: 2,
      year: 2024,
      start: Date.UTC(2024, 0, 1),
      series: {},
    });
    expect(reads()).toBe(6);
  });

  it("is a 404, unread and not cached, for groups not published and years outside the data", async () => {
    await summarize(history(), GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    expect((await view(env, at("/api/v1/joint/installed/2026"))).status).toBe(200);
    const warm = reads();
    const next = new Date().getUTCFullYear() + 1;
    for (const path of [
      "/api/v1/joint/plugin_core__x1234/0042",
      "/api/v1/joint/plugin_core__x1234/2025",
      "/api/v1/joint/plugin_core__file/2025",
      "/api/v1/joint/core_postgresql/0042",
      "/api/v1/joint/core_postgresql/2023",
      `/api/v1/joint/core_postgresql/${next}`,
      "/api/v1/joint/versions__core/2025",
      "/api/v1/joint/systems/2025",
      "/api/v1/joint/plugin_core__Bad!/2025",
    ]) {
      const missing = await view(env, at(path));
      expect(missing.status, path).toBe(404);
      expect((await missing.json()) as object, path).toHaveProperty("error");
      expect(await caches.default.match(new Request(at(path))), path).toBeUndefined();
    }
    // Decided from the cached key list and page data: no read per invented path.
    expect(reads()).toBe(warm);
  });

  it("serves a component's upgrade paths (a joint group) once it has one", async () => {
    const paths = { "upgrades__core__3.48__3.49": [[day("2026-01-05"), 6]] as [number, number][] };
    await summarize({ ...history(), ...paths }, GENERATED);
    const { env } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/joint/upgrades__core/2026"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(await summary.get("c:upgrades__core:2026", "text"));
    expect((await view(env, at("/api/v1/joint/upgrades__rpm/2026"))).status).toBe(404);
  });

  it("serves core's movement groups as empty years before any is published", async () => {
    await summarize(history(), GENERATED);
    const { env } = counting("production");
    const at = freshOrigin();
    for (const path of ["/api/v1/joint/upgrades__core/2026", "/api/v1/movement/left_behind/2026"]) {
      const res = await view(env, at(path));
      expect(res.status, path).toBe(200);
      expect(((await res.json()) as { series: object }).series, path).toEqual({});
    }
  });

  it("is a 404 for every group before the first summary", async () => {
    const { env } = counting("production");
    const res = await view(env, freshOrigin()("/api/v1/joint/core_postgresql/2026"));
    expect(res.status).toBe(404);
  });
});

describe("GET /api/v1/movement/<group>/<YYYY>", () => {
  const movement = (): Record<string, Point[]> => ({
    "upgrades__core__3.48__3.49": [[day("2026-01-05"), 6]],
    on_release__core__under_30d: [[day("2026-01-09"), 40]],
    "on_release_median__core__3.49": [[day("2026-01-09"), 12.5]],
    left_behind__6m: [[day("2026-01-09"), 9]],
    "left_behind_on__6_12m__3.45": [[day("2026-01-09"), 9]],
  });

  it("is one read of a movement group's year chunk, as stored; an empty year is 200", async () => {
    await summarize({ ...history(), ...movement() }, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    const res = await view(env, at("/api/v1/movement/on_release__core/2026"));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    // The key list (a list and a bulk read), the page data, then the chunk.
    expect(reads()).toBe(4);
    expect(await res.text()).toBe(await summary.get("c:on_release__core:2026", "text"));
    for (const group of ["on_release_median__core", "left_behind", "left_behind_on"]) {
      const found = await view(env, at(`/api/v1/movement/${group}/2026`));
      expect(found.status, group).toBe(200);
      expect(await found.text(), group).toBe(await summary.get(`c:${group}:2026`, "text"));
    }
    expect(reads()).toBe(7);
    // Before the series began: an empty year, after one read.
    const empty = await view(env, at("/api/v1/movement/left_behind/2024"));
    expect(await empty.json()).toEqual({
      v: 2,
      year: 2024,
      start: Date.UTC(2024, 0, 1),
      series: {},
    });
    expect(reads()).toBe(8);
  });

  it("is a 404, unread and not cached, for groups not published and years outside the data", async () => {
    await summarize({ ...history(), ...movement() }, GENERATED);
    const { env, reads } = counting("production");
    const at = freshOrigin();
    expect((await view(env, at("/api/v1/movement/left_behind/2026"))).status).toBe(200);
    const warm = reads();
    const next = new Date().getUTCFullYear() + 1;
    for (const path of [
      // Not published (rpm has no movement), not a movement group, or served by the joint route.
      "/api/v1/movement/on_release__rpm/2026",
      "/api/v1/movement/on_release_median__file/2026",
      "/api/v1/movement/on_release__x1234/2026",
      "/api/v1/movement/on_release_median__Bad!/2026",
      "/api/v1/movement/upgrades__core/2026",
      "/api/v1/movement/core_postgresql/2026",
      "/api/v1/movement/versions__core/2026",
      "/api/v1/movement/left_behind/0042",
      "/api/v1/movement/left_behind/2023",
      `/api/v1/movement/left_behind/${next}`,
    ]) {
      const missing = await view(env, at(path));
      expect(missing.status, path).toBe(404);
      expect((await missing.json()) as object, path).toHaveProperty("error");
      expect(await caches.default.match(new Request(at(path))), path).toBeUndefined();
    }
    expect(reads()).toBe(warm);
  });

  it("is a 404 for every group before the first summary", async () => {
    const { env } = counting("production");
    const res = await view(env, freshOrigin()("/api/v1/movement/left_behind/2026"));
    expect(res.status).toBe(404);
  });
});

describe("which movement groups exist", () => {
  it("core's, and every published movement group but the upgrade paths (the joint route's)", () => {
    const core = ["left_behind", "left_behind_on", "on_release__core", "on_release_median__core"];
    // Before any movement is published: core's groups, which "Upgrades" reads, and no other.
    expect([...movementGroups(["systems__total", "versions__rpm__3.28"])].sort()).toEqual(core);
    const groups = movementGroups([
      "systems__total",
      "versions__core__3.49",
      "core_postgresql__3.49__15",
      "upgrades__core__3.48__3.49",
      "upgrades__rpm__3.27__3.28",
      "on_release__rpm__over_2y",
      "on_release_median__rpm__3.28",
      "left_behind__24m",
    ]);
    expect([...groups].sort()).toEqual([
      ...core.slice(0, 3),
      "on_release__rpm",
      "on_release_median__core",
      "on_release_median__rpm",
    ]);
  });
});

describe("which joint groups and years exist", () => {
  it("the fixed groups, every published joint group and each published plugin's table", () => {
    const groups = jointGroups([
      "systems__total",
      "versions__core__3.49",
      "versions__rpm__3.28",
      "versions_xyz__ansible__0.21.1",
      "plugin_core__container__2.19__3.49",
    ]);
    expect([...groups].sort()).toEqual([
      "core_postgresql",
      "installed",
      "plugin_core__container",
      "plugin_core__rpm",
      "together",
      "upgrades__core",
    ]);
  });

  it("years from the first SUMMARY holds to the current one, or a later one it holds", () => {
    expect([...jointYears([2024, 2025], 2026)]).toEqual([2024, 2025, 2026]);
    expect([...jointYears([2027], 2026)]).toEqual([2027]);
    expect([...jointYears([], 2026)]).toEqual([]);
  });
});
