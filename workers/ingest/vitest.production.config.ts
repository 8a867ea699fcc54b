import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fixtureBinding } from "../../fixtures/src/pulpcore.ts";

// The production environment of wrangler.jsonc as deployed (no SUMMARIZER binding, no simulated
// time): the rules that only production applies are tested here. One var differs: the rate
// limit tests post 100 new installations from one address, past production's 50 a network a
// day; the budgets of new installations are tested in ../test/admission.test.ts.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc", environment: "production" },
      miniflare: {
        bindings: { FIXTURES: fixtureBinding(), ADMISSION_PER_NETWORK: "1000" },
        serviceBindings: {
          SITE: (request: Request) =>
            Response.json({ worker: "site", method: request.method, url: request.url }),
        },
      },
    }),
  ],
  // One workerd for all files; each resets its storage after every test.
  test: {
    name: "ingest-production",
    include: ["test/production/**/*.test.ts"],
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
