import { defineConfig } from "vitest/config";

// One `vitest run` covers the pure core (plain Node) and each worker (inside workerd).
export default defineConfig({
  test: {
    projects: [
      "shared/vitest.config.ts",
      "fixtures/vitest.config.ts",
      "workers/site/page/vitest.config.ts",
      "workers/*/vitest.config.ts",
      "workers/*/vitest.production.config.ts",
      "scripts/test/vitest.config.ts",
    ],
  },
});
