/**
 * The site's OpenAPI document passes Redocly's linter (the engine of `@redocly/cli lint`) with
 * its recommended rules, all of them errors (but one, below): it is generated from the site's own app and schemas
 * exactly as `GET /api/v1/openapi.json` generates it. The workerd tests (workers/site/test/
 * discover.test.ts) check the other direction: every route's real answers match it.
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import type { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import { describe, expect, it } from "vitest";

// Imported by a computed name: the site's modules are typed for workerd (tsconfig.json), not
// for this Node project (tsconfig.node.json), but run in Node as they are.
const site = (name: string) => new URL(`../../workers/site/src/${name}.ts`, import.meta.url).href;
const { default: app } = (await import(site("index"))) as { default: Hono };
const { OPENAPI_OPTIONS } = (await import(site("openapi"))) as {
  OPENAPI_OPTIONS: Parameters<typeof generateSpecs>[1];
};

describe("GET /api/v1/openapi.json", () => {
  it("is OpenAPI 3.1 that Redocly's recommended rules pass without a warning", async () => {
    const document = await generateSpecs(app, OPENAPI_OPTIONS);
    expect(document.openapi).toBe("3.1.0");
    const config = await createConfig({
      extends: ["recommended-strict"],
      // A route without input (the page data, the key list, ...) has no 4xx answer to document.
      rules: { "operation-4xx-response": "off" },
    });
    const problems = await lintFromString({
      source: JSON.stringify(document, null, 2),
      absoluteRef: "openapi.json",
      config,
    });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual(
      [],
    );
  });
});
