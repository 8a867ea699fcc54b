/**
 * The site worker (contract §4): the page and the open data API, read-only over SUMMARY.
 * Routes read at most one KV key per cache miss; the pure parts live in shared/src/site.ts and
 * public/chart-data.js.
 */
import type { SiteEnv } from "@pulp-analytics/shared/env";
import { problemResponse } from "@pulp-analytics/shared/errors";
import { PAGE_KEY, type Point } from "@pulp-analytics/shared/keys";
import { BINDING } from "@pulp-analytics/shared/names";
import type { PageData } from "@pulp-analytics/shared/page";
import { EMPTY_PAGE, parseSeriesRequest, seriesCsv } from "@pulp-analytics/shared/site";
import { Hono } from "hono";
import { cachedAnswer } from "./cache";
import { DATA_CSP, PAGE_CSP, SECURITY_HEADERS } from "./headers";
import { PAGE_HTML } from "./html";

const app = new Hono<{ Bindings: SiteEnv }>();

app.use("*", async (c, next) => {
  await next();
  // Responses from the cache or from fetch() can have immutable headers: copy before editing.
  const res = new Response(c.res.body, c.res);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.headers.set(name, value);
  const isPage = res.headers.get("Content-Type")?.startsWith("text/html") ?? false;
  res.headers.set("Content-Security-Policy", isPage ? await PAGE_CSP() : DATA_CSP);
  if (c.req.path.startsWith("/api/")) res.headers.set("Access-Control-Allow-Origin", "*");
  c.res = res;
});

/** The page data as stored by the summarizer, or null before its first run. */
async function pageText(env: SiteEnv): Promise<string | null> {
  return env[BINDING.SUMMARY].get(PAGE_KEY, "text");
}

/**
 * Before the first summary: not cached anywhere, so the first summary shows at once instead of
 * after the cache expires. Costs one KV read per view only while there is nothing to show.
 */
function uncached(response: Response): Response {
  response.headers.set("Cache-Control", "no-store");
  return response;
}

const json = (body: string) =>
  new Response(body, { headers: { "Content-Type": "application/json; charset=utf-8" } });

app.get("/", (c) =>
  cachedAnswer(c.req.raw, c.executionCtx, async () => ({
    response: new Response(PAGE_HTML, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
  })),
);

// Everything the page draws, in one read: the `_page` key passed through as it is stored.
app.get("/api/v1/page", (c) =>
  cachedAnswer(c.req.raw, c.executionCtx, async () => {
    const text = await pageText(c.env);
    if (text === null) return { response: uncached(json(JSON.stringify(EMPTY_PAGE))) };
    const page = JSON.parse(text) as PageData;
    return { response: json(text), lastModified: page.generatedAt };
  }),
);

app.get("/api/v1/series", (c) =>
  cachedAnswer(c.req.raw, c.executionCtx, async () => {
    const text = await pageText(c.env);
    if (text === null) return { response: uncached(json(JSON.stringify({ keys: [] }))) };
    // Interim (page-charts branch): the keys the page data names; the lead's site lists all.
    const page = JSON.parse(text) as PageData;
    const keys = [...Object.keys(page.recent.series), ...Object.keys(page.latestXyz)].sort();
    return { response: json(JSON.stringify({ keys })), lastModified: page.generatedAt };
  }),
);

// Interim (page-charts branch): one year of weekly history, `h:<YYYY>` as stored.
app.get("/api/v1/page/weekly/:year{[0-9]{4}}", (c) =>
  cachedAnswer(c.req.raw, c.executionCtx, async () => {
    const text = await c.env[BINDING.SUMMARY].get(`h:${c.req.param("year")}`, "text");
    if (text === null)
      return { response: problemResponse({ status: 404, error: "no weekly history that year" }) };
    return { response: json(text) };
  }),
);

app.get("/api/v1/series/:name", (c) => {
  const name = c.req.param("name");
  const wanted = parseSeriesRequest(name);
  const unknown = () =>
    problemResponse({
      status: 404,
      error: "unknown series",
      issues: [
        {
          path: "key",
          message: `no published series is named ${JSON.stringify(name)}; the list is at /api/v1/series`,
        },
      ],
    });
  if (!wanted) return unknown();
  return cachedAnswer(c.req.raw, c.executionCtx, async () => {
    const text = await c.env[BINDING.SUMMARY].get(wanted.key, "text");
    if (text === null) return { response: unknown() };
    if (wanted.format === "json") return { response: json(text) };
    const csv = seriesCsv(JSON.parse(text) as Point[]);
    return {
      response: new Response(csv, {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${wanted.key}.csv"`,
        },
      }),
    };
  });
});

app.get("/api/*", () =>
  problemResponse({ status: 404, error: "no such API route; see /api/v1/series" }),
);

// The site only ever reads: any other method matches no route above and ends here.
app.all("*", (c) =>
  c.req.method === "GET" || c.req.method === "HEAD"
    ? problemResponse({ status: 404, error: "not found" })
    : problemResponse({ status: 405, error: "the site is read-only" }, { Allow: "GET, HEAD" }),
);

app.onError((error) => {
  // Reached only by a bug or a corrupt SUMMARY value: log it, answer like any other error.
  console.error(JSON.stringify({ worker: "site", status: 503, error: String(error) }));
  return problemResponse(
    { status: 503, error: "temporarily unavailable, retry later" },
    { "Retry-After": "60" },
  );
});

export default app;
