import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "shared",
    include: ["test/**/*.test.ts"],
    environment: "node",
    // One module graph for all files (no file changes a global): a third of the CPU.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
