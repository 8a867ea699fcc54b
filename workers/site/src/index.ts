/**
 * The site worker (docs/contract.md#4-public-read-api): the page and the open data API, read-only over SUMMARY.
 * The page costs one KV read per cache miss, a series a list and one bulk read; the pure parts
 * live in shared/ (opendata, store) and the page's model (page/model/, bundled into public/app.js).
 */
import {
  BINDING,
  DATA_CSP,
  problemResponse,
  SECURITY_HEADERS,
} from "@pulp-analytics/shared/config";
import type { ReadOnlyKV, SiteEnv } from "@pulp-analytics/shared/env";
import {
  badgeOf,
  dictionary,
  EMPTY_PAGE,
  EXPORT_HEADER,
  exportChunks,
  exportCsv,
  familiesOfKeys,
  firstYearChunks,
  healthOf,
  OPENMETRICS_CONTENT_TYPE,
  openMetrics,
  parseSeriesRequest,
  releaseEvents,
  seriesCsv,
} from "@pulp-analytics/shared/opendata";
import {
  CHUNK_PREFIX,
  chunkKey,
  emptyYear,
  groupOf,
  JOURNAL_KEY,
  KEYS_PREFIX,
  keysKey,
  offPageChunks,
  PAGE_KEY,
  type PageData,
  parseJournal,
  parseKeys,
  seriesFromChunks,
  summaryReader,
  valuesOn,
  weeklyKey,
  yearOf,
} from "@pulp-analytics/shared/store";
import { isSeriesKey, VERSIONS_PREFIX } from "@pulp-analytics/shared/summary";
import { type Context, Hono } from "hono";
import { describeRoute, generateSpecs } from "hono-openapi";
import type * as z from "zod/mini";
import { cachedAnswer, type Produced } from "./cache";
import { dictionaryPage } from "./dictionary-page";
import { atomFeed } from "./feed";
import { PAGE_HTML } from "./html";
import { jointGroups, jointYears, movementGroups } from "./joint";
import {
  type Badge,
  type Dictionary,
  type Health,
  type KeyList,
  OPENAPI_OPTIONS,
  ROUTES,
  type Series,
} from "./openapi";
import { cachePolicy, PAGE_CSP } from "./policy";
import { streamedAnswer, textStream } from "./stream";

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

const notFound = (error: string, message: string) =>
  problemResponse({ status: 404, error, issues: [{ path: "key", message }] });

/** Every answer below goes through the cache policy of the environment (cache.ts). */
const answer = (c: Context<{ Bindings: SiteEnv }>, produce: () => Promise<Produced>) =>
  cachedAnswer(c.req.raw, c.req.path, c.executionCtx, cachePolicy(c.env), produce);

app.get("/", describeRoute(ROUTES.page), (c) =>
  answer(c, async () => ({
    response: new Response(PAGE_HTML, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
  })),
);

// The page's default view in one read: the `_page` key passed through as it is stored.
const PAGE_PATH = "/api/v1/page";

async function pageData(kv: ReadOnlyKV): Promise<Produced> {
  const text = await kv.get(PAGE_KEY, "text");
  if (text === null) return { response: uncached(json(JSON.stringify(EMPTY_PAGE))) };
  const page = JSON.parse(text) as PageData;
  return { response: json(text), lastModified: page.generatedAt };
}

app.get(PAGE_PATH, describeRoute(ROUTES.pageData), (c) =>
  answer(c, () => pageData(c.env[BINDING.SUMMARY])),
);

// One year of weekly history, for the longer ranges: one read of `h:<year>` as stored.
app.get("/api/v1/page/weekly/:year{[0-9]{4}}", describeRoute(ROUTES.weekly), (c) =>
  answer(c, async () => {
    const year = Number(c.req.param("year"));
    const text = await c.env[BINDING.SUMMARY].get(weeklyKey(year), "text");
    if (text === null) {
      return { response: notFound("no weekly history", `no weekly history for ${year}`) };
    }
    return { response: json(text) };
  }),
);

/**
 * One year of one off-page group, as stored: one read of `c:<group>:<year>`, for the page's
 * planner and its "Upgrades" section, which fetch them when opened or scrolled to. Only groups
 * that exist (`groups`, from the published key list) and years SUMMARY holds are read: which they
 * are comes from the published key list and the page data, the two cached answers every view
 * shares, so an invented group or year is a 404 that reads nothing once they are cached, and adds
 * no cache entry of its own. `what` names the groups in the 404 ("joint", "movement").
 */
async function groupYear(
  c: Context<{ Bindings: SiteEnv }>,
  what: string,
  groups: (keys: Set<string>) => Set<string>,
): Promise<Response> {
  const group = c.req.param("group") ?? "";
  const year = Number(c.req.param("year"));
  const missing = () =>
    notFound(`no ${what} series`, `${JSON.stringify(group)} is not a published ${what} group`);
  // A family, or a family and a component name (docs/contract.md#validation-rules).
  const shaped = /^[a-z_]+(__[a-z0-9][a-z0-9_.-]{0,63})?$/.test(group);
  if (!shaped || !groups(await publishedKeys(c)).has(group)) return missing();
  const years = await summaryYears(c);
  if (!years.has(year)) {
    return notFound(`no ${what} series`, `SUMMARY holds no year ${year}`);
  }
  return answer(c, async () => {
    const text = await c.env[BINDING.SUMMARY].get(chunkKey(group, year), "text");
    // A year the group has no series in is an empty year, not an error: the page asks for
    // every year of its range, some of them from before the group's series began.
    return { response: json(text ?? emptyYear(year)) };
  });
}

// One year of one joint group (docs/contract.md#joint-series), for the planner and the upgrade
// paths of "Upgrades".
app.get("/api/v1/joint/:group/:year{[0-9]{4}}", describeRoute(ROUTES.joint), (c) =>
  groupYear(c, "joint", jointGroups),
);

// One year of one movement group but the upgrade paths (docs/contract.md#movement-series), for
// "Upgrades" and the planner: time on a release and installations left behind.
app.get("/api/v1/movement/:group/:year{[0-9]{4}}", describeRoute(ROUTES.movement), (c) =>
  groupYear(c, "movement", movementGroups),
);

/**
 * The years the joint and movement routes may answer: from the first year with weekly history (the page data's
 * `years`, through its cache entry) to the current one, or the last one SUMMARY holds if later.
 */
async function summaryYears(c: Context<{ Bindings: SiteEnv }>): Promise<Set<number>> {
  const res = await cachedAnswer(
    new Request(new URL(PAGE_PATH, c.req.url)),
    PAGE_PATH,
    c.executionCtx,
    cachePolicy(c.env),
    () => pageData(c.env[BINDING.SUMMARY]),
  );
  const page = (await res.json()) as PageData;
  return jointYears(page.asOf === null ? [] : page.years, new Date().getUTCFullYear());
}

// For uptime monitors: 200 when the latest summary is fresh, 503 when stale or empty (docs/contract.md#4-public-read-api).
app.get("/api/v1/health", describeRoute(ROUTES.health), (c) =>
  answer(c, async () => {
    const kv = c.env[BINDING.SUMMARY];
    const text = await kv.get(PAGE_KEY, "text");
    const page = text === null ? EMPTY_PAGE : (JSON.parse(text) as PageData);
    const journal = await kv.list({ prefix: JOURNAL_KEY });
    let pending = 0;
    if (journal.keys.some((key) => key.name === JOURNAL_KEY)) {
      pending = parseJournal((await kv.get(JOURNAL_KEY, "text")) ?? "")?.length ?? 1;
    }
    const health: z.infer<typeof Health> = healthOf(page, Date.now(), pending);
    const response = Response.json(health, { status: health.status === "ok" ? 200 : 503 });
    // A stale or empty answer is never kept: the monitor must see the recovery at once.
    if (health.status !== "ok") response.headers.set("Cache-Control", "no-store");
    return { response };
  }),
);

// Every published key and its family: the key lists of the years (a list and one bulk read).
const KEY_LIST_PATH = "/api/v1/series";

/** Each year's published keys: `k:` listed, then one bulk read. */
async function keysByYear(kv: ReadOnlyKV): Promise<Map<number, string[]>> {
  const { list, getMany } = summaryReader(kv);
  const texts = await getMany(await list(KEYS_PREFIX));
  const out = new Map<number, string[]>();
  for (const [name, text] of texts) {
    const year = Number(name.slice(KEYS_PREFIX.length));
    if (keysKey(year) === name) out.set(year, parseKeys(text));
  }
  return out;
}

async function keyList(kv: ReadOnlyKV): Promise<Produced> {
  const years = await keysByYear(kv);
  const keys = [...new Set([...years.values()].flat())].sort();
  const list: z.infer<typeof KeyList> = { keys, families: familiesOfKeys(keys) };
  const body = JSON.stringify(list);
  if (years.size === 0) return { response: uncached(json(body)) };
  return { response: json(body) };
}

app.get(KEY_LIST_PATH, describeRoute(ROUTES.keys), (c) =>
  answer(c, () => keyList(c.env[BINDING.SUMMARY])),
);

/**
 * The published keys, through the same cache entry as `GET /api/v1/series`: in production a name
 * that is not published is then a 404 without any KV read, however many such names a client
 * invents (a series' chunks are a list and a bulk read of up to 10 years).
 */
async function publishedKeys(c: Context<{ Bindings: SiteEnv }>): Promise<Set<string>> {
  const res = await cachedAnswer(
    new Request(new URL(KEY_LIST_PATH, c.req.url)),
    KEY_LIST_PATH,
    c.executionCtx,
    cachePolicy(c.env),
    () => keyList(c.env[BINDING.SUMMARY]),
  );
  return new Set(((await res.json()) as { keys: string[] }).keys);
}

app.get("/api/v1/series/:name", describeRoute(ROUTES.series), (c) => {
  const name = c.req.param("name");
  const wanted = parseSeriesRequest(name);
  const unknown = () =>
    notFound(
      "unknown series",
      `no published series is named ${JSON.stringify(name)}; the list is at /api/v1/series`,
    );
  if (!wanted) return unknown();
  // Every day of the series: its group's year chunks (a list and one bulk read).
  return answer(c, async () => {
    if (!(await publishedKeys(c)).has(wanted.key)) return { response: unknown() };
    const { list, getMany } = summaryReader(c.env[BINDING.SUMMARY]);
    const chunks = await list(`${CHUNK_PREFIX}${groupOf(wanted.key)}:`);
    const points = seriesFromChunks(wanted.key, (await getMany(chunks)).values());
    if (points.length === 0) return { response: unknown() };
    const series: z.infer<typeof Series> = points;
    if (wanted.format === "json") return { response: json(JSON.stringify(series)) };
    return {
      response: new Response(seriesCsv(points), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${wanted.key}.csv"`,
        },
      }),
    };
  });
});

// The data dictionary: every series family, with its first day from SUMMARY (the key lists, then
// one bulk read of the chunks of each family's earliest year).
app.get("/api/v1/dictionary", describeRoute(ROUTES.dictionary), (c) =>
  answer(c, async () => {
    const { body, empty } = await dictionaryOf(c.env[BINDING.SUMMARY]);
    const response = json(JSON.stringify(body));
    return { response: empty ? uncached(response) : response };
  }),
);

/** The dictionary with each family's first day: the key lists, then the first years' chunks. */
async function dictionaryOf(kv: ReadOnlyKV) {
  const chunks = firstYearChunks(await keysByYear(kv));
  const texts = chunks.length === 0 ? [] : (await summaryReader(kv).getMany(chunks)).values();
  const body: z.infer<typeof Dictionary> = dictionary(texts);
  return { body, empty: chunks.length === 0 };
}

// The same dictionary for people: one HTML table, linked from the page's open data section.
app.get("/api/v1/dictionary.html", describeRoute(ROUTES.dictionaryPage), (c) =>
  answer(c, async () => {
    const { body, empty } = await dictionaryOf(c.env[BINDING.SUMMARY]);
    const response = new Response(dictionaryPage(body.families), {
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
    return { response: empty ? uncached(response) : response };
  }),
);

// A shields.io endpoint badge of one series' latest day: the published keys (cached, shared with
// the series API, so invented keys cost no read), then `_page`.
app.get("/api/v1/badge/:key", describeRoute(ROUTES.badge), (c) => {
  const key = c.req.param("key");
  const unknown = () =>
    notFound(
      "unknown series",
      `no published series is named ${JSON.stringify(key)}; the list is at /api/v1/series`,
    );
  if (!isSeriesKey(key)) return unknown();
  return answer(c, async () => {
    if (!(await publishedKeys(c)).has(key)) return { response: unknown() };
    const text = await c.env[BINDING.SUMMARY].get(PAGE_KEY, "text");
    const page = text === null ? EMPTY_PAGE : (JSON.parse(text) as PageData);
    const badge = badgeOf(key, page);
    if (!badge) return { response: unknown() };
    const body: z.infer<typeof Badge> = badge;
    return { response: json(JSON.stringify(body)), lastModified: page.generatedAt };
  });
});

// ─── Open data for other tools: /metrics and /api/v1/export.csv ──────────────────

// The latest summarized day in OpenMetrics text for Prometheus: a read of `_page`, then a list of
// `c:` and one bulk read of the latest year's joint and movement chunks (not in `_page`), cached like the page
// data. Before the first summary: only `# EOF`, never cached.
app.get("/metrics", describeRoute(ROUTES.metrics), (c) =>
  answer(c, async () => {
    const kv = c.env[BINDING.SUMMARY];
    const text = await kv.get(PAGE_KEY, "text");
    const page = text === null ? EMPTY_PAGE : (JSON.parse(text) as PageData);
    let joint = new Map<string, number>();
    if (page.asOf !== null) {
      const { list, getMany } = summaryReader(kv);
      const names = offPageChunks(await list(CHUNK_PREFIX), yearOf(page.asOf));
      if (names.length > 0) joint = valuesOn((await getMany(names)).values(), page.asOf);
    }
    const response = new Response(openMetrics(page, joint), {
      headers: { "Content-Type": OPENMETRICS_CONTENT_TYPE },
    });
    if (page.asOf === null) return { response: uncached(response) };
    return { response, lastModified: page.generatedAt };
  }),
);

// Every series, every day, as one CSV, streamed: a list of `c:` and one bulk read per ten chunks,
// rows written group by group as the chunks arrive (shared/src/opendata/export.ts, src/stream.ts).
app.get("/api/v1/export.csv", describeRoute(ROUTES.export), (c) =>
  streamedAnswer(c.req.raw, c.req.path, cachePolicy(c.env), async () => {
    const { list, getMany } = summaryReader(c.env[BINDING.SUMMARY]);
    const chunks = exportChunks(await list(CHUNK_PREFIX));
    const headers = {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="pulp-analytics.csv"',
    };
    if (chunks.length === 0) {
      return uncached(new Response(`${EXPORT_HEADER}\r\n`, { headers }));
    }
    const rows = exportCsv(chunks, getMany);
    return new Response(textStream(rows), { headers });
  }),
);

// Release events as Atom: every year of the x.y series (a list and a bulk read per hundred
// chunks: one per component and year), the newest entries written by src/feed.ts.
app.get("/feed.atom", describeRoute(ROUTES.feed), (c) =>
  answer(c, async () => {
    const { list, getMany } = summaryReader(c.env[BINDING.SUMMARY]);
    const chunks = await list(`${CHUNK_PREFIX}${VERSIONS_PREFIX}`);
    const events = releaseEvents(chunks.length === 0 ? [] : (await getMany(chunks)).values());
    const response = new Response(atomFeed(new URL(c.req.url).origin, events), {
      headers: { "Content-Type": "application/atom+xml; charset=utf-8" },
    });
    return { response: events.length === 0 ? uncached(response) : response };
  }),
);

// The OpenAPI 3.1 document of every route above, generated from the schemas of openapi.ts.
app.get("/api/v1/openapi.json", describeRoute(ROUTES.openapi), (c) =>
  answer(c, async () => ({
    response: json(JSON.stringify(await generateSpecs(app, OPENAPI_OPTIONS))),
  })),
);

// ─── end of open data ───────────────────────────────────────────────────────────────────────

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
