import { defineConfig } from "vitest/config";
import { useScratchDir } from "../../../scripts/lib/scratch.ts";

// The stacks' KV under /dev/shm if it has room (scripts/lib/scratch.ts).
useScratchDir();

// The site in headless Chromium against the local stack (wrangler dev with all three workers):
// `npm run test:browser`. Kept out of the root projects because it needs /usr/bin/chromium.
export default defineConfig({
  test: {
    name: "site-browser",
    root: import.meta.dirname,
    include: ["*.browser.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The first page load of a fresh stack (workers and assets built cold) can take more than
    // expect.poll's default second on two busy cores.
    expect: { poll: { timeout: 10_000 } },
  },
});
