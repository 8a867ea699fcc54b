import { defineConfig } from "vitest/config";
import { useScratchDir } from "../lib/scratch.ts";
import { INTEGRATION } from "./vitest.config.ts";

// The stacks' --persist-to directories (made under the temporary directory) on memory if we can.
useScratchDir();

// `npm run test:integration`: the tools against real wrangler (import, backup, restore into a
// throwaway local stack's KV on disk). Minutes, not seconds: kept out of `npm run test:unit`.
export default defineConfig({
  test: {
    name: "integration",
    root: import.meta.dirname,
    include: INTEGRATION,
    environment: "node",
    // Two files at a time (vitest's default on two cores is one): each mostly waits on wrangler
    // processes starting, and every file has its own stacks, ports and directories.
    maxWorkers: 2,
  },
});
