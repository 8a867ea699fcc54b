import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fixtureBinding } from "../../fixtures/src/pulpcore.ts";

// The dev environment of wrangler.jsonc with real local KV; the real pulpcore bodies ride along
// as a JSON binding for the entries whose values must be decoded.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc", environment: "dev" },
      miniflare: { bindings: { FIXTURES: fixtureBinding() } },
    }),
  ],
  // Seeding thousands of RAW entries and several full runs per test takes seconds. One workerd
  // for all files (each resets its storage after every test; Workflow instances outlive that, so
  // each test names its own): half the CPU of one per file.
  test: {
    name: "summarizer",
    include: ["test/**/*.test.ts"],
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
