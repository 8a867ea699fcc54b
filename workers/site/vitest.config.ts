import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// The dev environment of wrangler.jsonc with its real local SUMMARY namespace. SELF.fetch skips
// the static-asset router, so public/ is checked against wrangler dev by the browser test.
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc", environment: "dev" } })],
  // One workerd for all files; each resets its storage after every test.
  test: {
    name: "site",
    include: ["test/**/*.test.ts"],
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
