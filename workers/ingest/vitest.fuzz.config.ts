import { defineConfig } from "vitest/config";
import { useScratchDir } from "../../scripts/lib/scratch.ts";
import { FUZZ, ingestDev } from "./vitest.config.ts";

useScratchDir();

// `npm run test:fuzz`: random bodies, versions, times and tokens against the dev worker in
// workerd, with its real local RAW. Thousands of requests: minutes on two cores.
export default defineConfig({
  plugins: [ingestDev],
  test: { name: "ingest-fuzz", root: import.meta.dirname, include: FUZZ },
});
