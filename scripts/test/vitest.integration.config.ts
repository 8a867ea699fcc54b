import { defineConfig } from "vitest/config";
import { INTEGRATION } from "./vitest.config.ts";

// `npm run test:integration`: the tools against real wrangler (import, backup, restore into a
// throwaway local stack's KV on disk). Minutes, not seconds: kept out of `npm run test:unit`.
export default defineConfig({
  test: {
    name: "integration",
    root: import.meta.dirname,
    include: INTEGRATION,
    environment: "node",
  },
});
