import { defineConfig } from "vitest/config";

/** Tests that start wrangler (a stack, or its KV commands): `npm run test:integration`. */
export const INTEGRATION = [
  "backup.test.ts",
  "import.test.ts",
  "interrupted.test.ts",
  "remote.test.ts",
  "stack.test.ts",
  "wrangler-kv.test.ts",
];

// Plain Node: the repository's own tooling and the promises its wrangler configs make. Part of
// `npm run test:unit`, so nothing here starts wrangler.
export default defineConfig({
  test: {
    name: "scripts",
    include: ["*.test.ts"],
    exclude: INTEGRATION,
    environment: "node",
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
