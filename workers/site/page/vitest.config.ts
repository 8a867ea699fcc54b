import { defineConfig } from "vitest/config";

// The page's model and UI helpers in plain Node: no browser, no workerd.
export default defineConfig({
  test: {
    name: "page",
    include: ["test/**/*.test.ts"],
    environment: "node",
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
