import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// `npm run test:unit`: the pure core and the page model (plain Node) and each worker (inside
// workerd, with real local KV), no wrangler stack. The slower tiers have configs of their own
// (README, "Run it").
export default defineConfig({
  test: {
    // A test file spends most of its time waiting on workerd, another process: one worker per
    // core, not vitest's default of one fewer (one in all, on a two-core machine).
    maxWorkers: availableParallelism(),
    projects: [
      "shared/vitest.config.ts",
      "fixtures/vitest.config.ts",
      "workers/site/page/vitest.config.ts",
      "workers/*/vitest.config.ts",
      "workers/*/vitest.production.config.ts",
      "scripts/vitest.config.ts",
    ],
  },
});
