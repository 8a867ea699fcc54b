import { defineConfig } from "vitest/config";

// Plain Node: the repository's own tooling and the promises its wrangler configs make.
export default defineConfig({
  test: {
    name: "scripts",
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
