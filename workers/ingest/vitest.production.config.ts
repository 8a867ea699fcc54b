import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fixtureBinding } from "../../fixtures/src/pulpcore.ts";

// The production environment of wrangler.jsonc exactly as deployed (no SUMMARIZER binding, no
// simulated time): the rules that only production applies are tested here.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc", environment: "production" },
      miniflare: {
        bindings: { FIXTURES: fixtureBinding() },
        serviceBindings: {
          SITE: (request: Request) =>
            Response.json({ worker: "site", method: request.method, url: request.url }),
        },
      },
    }),
  ],
  test: { name: "ingest-production", include: ["test/production/**/*.test.ts"] },
});
