/**
 * The public API described for machines (docs/contract.md#openapi): the schemas of every answer,
 * in zod/mini (the light build of zod; the site only describes and types, it never parses with
 * them), and each route's OpenAPI description. index.ts types its answers with these schemas and
 * hono-openapi turns them into the OpenAPI 3.1 document of `GET /api/v1/openapi.json`; the
 * workerd tests validate every route's real answers against that document.
 */
import type { DescribeRouteOptions, GenerateSpecOptions } from "hono-openapi";
import { loadVendor, resolver } from "hono-openapi";
import * as z from "zod/mini";

// zod's converter, imported statically so the bundle keeps only what it uses (see json-schema.ts).
loadVendor("zod", {
  toJSONSchema: (schema, options) => z.toJSONSchema(schema as z.ZodMiniType, options) as never,
});

const Problem = z.object({
  error: z.string().check(z.minLength(1)),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

const Point = z.tuple([z.int(), z.number()]);
export const Series = z.array(Point);

export const KeyList = z.object({
  keys: z.array(z.string()),
  families: z.record(z.string(), z.string()),
});

export const Dictionary = z.object({
  families: z.array(
    z.object({
      id: z.string(),
      pattern: z.string(),
      counts: z.string(),
      unit: z.string(),
      population: z.enum(["all", "persistent", "established"]),
      field: z.string(),
      since: z.string(),
      points: z.enum(["count", "statistic"]),
      bucketing: z.string(),
      smallCells: z.string(),
      firstDay: z.nullable(z.iso.date()),
      metric: z.nullable(z.string()),
    }),
  ),
});

/** shields.io's endpoint schema, the fields we send (https://shields.io/badges/endpoint-badge). */
export const Badge = z.object({
  schemaVersion: z.literal(1),
  label: z.string(),
  message: z.string().check(z.minLength(1)),
  color: z.string(),
});

export const Health = z.object({
  status: z.enum(["ok", "stale", "empty"]),
  asOf: z.nullable(z.iso.date()),
  generatedAt: z.nullable(z.iso.datetime()),
  ageHours: z.nullable(z.number()),
  pendingWrites: z.int().check(z.minimum(0)),
});

const Packed = z.record(z.string(), z.array(z.number()));

const PageData = z.object({
  v: z.literal(2),
  generatedAt: z.int(),
  asOf: z.nullable(z.int()),
  recent: z.object({ start: z.int(), series: Packed }),
  latestXyz: z.record(z.string(), z.number()),
  years: z.array(z.int()),
});

const Weekly = z.object({
  v: z.literal(2),
  year: z.int(),
  start: z.int(),
  series: Packed,
});

const json = (schema: Parameters<typeof resolver>[0], description: string) => ({
  description,
  content: { "application/json": { schema: resolver(schema) } },
});
const text = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: { type: "string" as const } } },
});
const problem = (description: string) => json(Problem, description);

const notModified = { description: "the cached copy named by If-None-Match is current" };
const unknownSeries = problem("not a published series key (no storage read for made-up keys)");

type Route = DescribeRouteOptions;

/** The path parameters of the joint and movement routes: `<group>/<YYYY>`. */
const GROUP_YEAR = [
  { name: "group", in: "path", required: true, schema: { type: "string", maxLength: 80 } },
  { name: "year", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]{4}$" } },
] as const;

/** Each route's description, by the path index.ts registers it under. */
export const ROUTES = {
  page: {
    summary: "The page with the charts",
    tags: ["page"],
    responses: { 200: text("text/html", "the HTML page"), 304: notModified },
  },
  pageData: {
    summary: "The page's data: the last 90 days of every charted series",
    description:
      "Shaped for the page and versioned by `v`; scripts should read the series API or the export.",
    tags: ["page"],
    responses: {
      200: json(PageData, "the page data as the summarizer stored it"),
      304: notModified,
    },
  },
  weekly: {
    summary: "One calendar year of weekly points, for the page's longer ranges",
    tags: ["page"],
    parameters: [
      {
        name: "year",
        in: "path",
        required: true,
        schema: { type: "string", pattern: "^[0-9]{4}$" },
      },
    ],
    responses: {
      200: json(Weekly, "the year's weekly history"),
      304: notModified,
      404: problem("no weekly history for that year"),
    },
  },
  health: {
    summary: "Is the data fresh? For uptime monitors",
    tags: ["open data"],
    responses: {
      200: json(Health, "the latest summary is fresh"),
      304: notModified,
      503: json(Health, "stale or empty; never cached"),
    },
  },
  keys: {
    summary: "Every published series key, and its family in the data dictionary",
    tags: ["open data"],
    responses: { 200: json(KeyList, "the keys, sorted"), 304: notModified },
  },
  series: {
    summary: "One series, every day, as JSON [[epochMillis, value], …] or, with .csv, as CSV",
    tags: ["open data"],
    parameters: [
      {
        name: "name",
        in: "path",
        required: true,
        description: "a key of /api/v1/series, with `.csv` for CSV",
        schema: { type: "string", maxLength: 260 },
      },
    ],
    responses: {
      200: {
        description: "the series, oldest first",
        content: {
          "application/json": { schema: resolver(Series) },
          "text/csv": { schema: { type: "string" } },
        },
      },
      304: notModified,
      404: unknownSeries,
    },
  },
  dictionary: {
    summary: "The data dictionary: what every series family counts, since when",
    tags: ["open data"],
    responses: { 200: json(Dictionary, "every family, in a fixed order"), 304: notModified },
  },
  dictionaryPage: {
    summary: "The data dictionary as one HTML table, for people",
    tags: ["open data"],
    responses: { 200: text("text/html", "every family, in a fixed order"), 304: notModified },
  },
  badge: {
    summary: "A series' latest day as a shields.io endpoint badge",
    tags: ["open data"],
    parameters: [
      {
        name: "key",
        in: "path",
        required: true,
        description: "a key of /api/v1/series",
        schema: { type: "string", maxLength: 256 },
      },
    ],
    responses: {
      200: json(Badge, "shields.io's endpoint schema"),
      304: notModified,
      404: unknownSeries,
    },
  },
  joint: {
    summary: "One calendar year of one joint group, as stored, for the page's planner",
    description:
      "The group is `core_postgresql`, `installed`, `together`, `plugin_core__<plugin>` of a published plugin (docs/contract.md#joint-series), or `upgrades__<component>` of a component with upgrade paths (docs/contract.md#movement-series); the year one from the first SUMMARY holds to the current one, an empty year when the group has no series in it. Packed like the weekly history.",
    tags: ["page"],
    parameters: [...GROUP_YEAR],
    responses: {
      200: json(Weekly, "the year of the group's series, every day; empty for a year without any"),
      304: notModified,
      404: problem("not a published joint group, or a year outside the data"),
    },
  },
  movement: {
    summary: "One calendar year of one movement group, as stored, for the page's Upgrades",
    description:
      "The group is `on_release__<component>`, `on_release_median__<component>`, `left_behind` or `left_behind_on` with a published series (docs/contract.md#movement-series; the upgrade paths are on the joint route); the year one from the first SUMMARY holds to the current one, an empty year when the group has no series in it. Packed like the weekly history.",
    tags: ["page"],
    parameters: [...GROUP_YEAR],
    responses: {
      200: json(Weekly, "the year of the group's series, every day; empty for a year without any"),
      304: notModified,
      404: problem("not a published movement group, or a year outside the data"),
    },
  },
  export: {
    summary: "Every series, every day, as one CSV date,key,value",
    tags: ["open data"],
    responses: { 200: text("text/csv", "streamed, rows by key then date") },
  },
  metrics: {
    summary: "The latest summarized day in OpenMetrics text, for Prometheus",
    tags: ["open data"],
    responses: {
      200: text("application/openmetrics-text", "gauges ending with # EOF"),
      304: notModified,
    },
  },
  feed: {
    summary: "Atom feed: new releases in use, and releases reaching a quarter and half",
    tags: ["open data"],
    responses: { 200: text("application/atom+xml", "an Atom 1.0 feed"), 304: notModified },
  },
  openapi: {
    summary: "This document",
    tags: ["open data"],
    responses: {
      200: { description: "OpenAPI 3.1", content: { "application/json": { schema: {} } } },
      304: notModified,
    },
  },
} satisfies Record<string, Route>;

/** The document's frame; hono-openapi fills in the paths from the routes described above. */
export const OPENAPI_OPTIONS: Partial<GenerateSpecOptions> = {
  documentation: {
    openapi: "3.1.0",
    info: {
      title: "Pulp Analytics open data",
      version: "1",
      description:
        "Anonymous usage of Pulp installations, summarized daily. Every route is GET (HEAD too); errors are JSON `{error, issues}`; answers under /api/ allow any origin.",
      license: { name: "GPL-2.0-or-later", identifier: "GPL-2.0-or-later" },
    },
    servers: [{ url: "https://analytics.pulpproject.org" }],
    // Public data: no route takes credentials.
    security: [],
    tags: [
      { name: "open data", description: "stable forms for scripts and tools" },
      { name: "page", description: "what the page draws from" },
    ],
  },
  // `/feed.atom` and `/metrics` are routes, not static files.
  excludeStaticFile: false,
};
