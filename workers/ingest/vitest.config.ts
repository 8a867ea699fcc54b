import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fixtureBinding } from "../../fixtures/src/pulpcore.ts";
import { TEST_TRIGGER_TOKEN } from "./test/token.ts";

// The dev environment of wrangler.jsonc, with the site and summarizer behind the service
// bindings replaced by recorders: these tests are about ingest; the real wiring is tested
// against the local stack.
export const ingestDev = cloudflareTest({
  wrangler: { configPath: "./wrangler.jsonc", environment: "dev" },
  miniflare: {
    // The deployed dev worker's secret (tests send it); LOCAL_STACK unset, as deployed.
    bindings: {
      ALLOW_SIMULATED_TIME: "true",
      SUMMARY_TRIGGER_TOKEN: TEST_TRIGGER_TOKEN,
      FIXTURES: fixtureBinding(),
    },
    serviceBindings: {
      SITE: (request: Request) =>
        Response.json({ worker: "site", method: request.method, url: request.url }),
      SUMMARIZER: (request: Request) =>
        Response.json({
          worker: "summarizer",
          method: request.method,
          url: request.url,
          authorization: request.headers.get("Authorization"),
        }),
    },
  },
});

/** The property-based fuzzing (minutes): `npm run test:fuzz`, kept out of `npm run test:unit`. */
export const FUZZ = ["test/fuzz.test.ts"];

export default defineConfig({
  plugins: [ingestDev],
  test: {
    name: "ingest",
    // One workerd for all files (each file resets its storage after every test): half the CPU.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ["test/**/*.test.ts"],
    exclude: ["test/production/**", ...FUZZ],
  },
});
