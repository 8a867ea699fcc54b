import { defineConfig } from "vitest/config";
import { FUZZ, ingestDev } from "./vitest.config.ts";

// `npm run test:fuzz`: random bodies, versions, times and tokens against the dev worker in
// workerd, with its real local RAW. Thousands of requests: minutes on two cores.
export default defineConfig({
  plugins: [ingestDev],
  test: { name: "ingest-fuzz", root: import.meta.dirname, include: FUZZ },
});
