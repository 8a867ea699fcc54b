import { defineConfig } from "vitest/config";
import { useScratchDir } from "./scripts/lib/scratch.ts";

// The workers' local KV (miniflare keeps it under the temporary directory) on memory if we can.
useScratchDir();

// One `vitest run` covers the pure core (plain Node) and each worker (inside workerd). Each
// project runs its files in one process or workerd (`isolate: false`; every workerd test file
// resets its storage) and gives a test a minute: a guard against hangs, not a speed limit, so
// that the tier stays green when other work shares the cores.
export default defineConfig({
  test: {
    // Two files at a time: vitest's default on two cores is one.
    maxWorkers: 2,
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
