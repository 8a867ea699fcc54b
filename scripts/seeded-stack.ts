/**
 * `node scripts/run.mjs scripts/seeded-stack.ts [YEARS] [INSTALLATIONS]`: the local stack with
 * SUMMARY seeded with the page views of a synthetic history (bench/page-history.ts), for looking
 * at the page over years of history and taking screenshots (`npm run screenshots -- URL`).
 * Runs until interrupted.
 */
import { pageViews, seedEntries } from "../bench/page-history";
import { startStack } from "./lib/stack";

const years = Number(process.argv[2] ?? 5);
const installations = Number(process.argv[3] ?? 10_000);
const stack = await startStack({ summary: seedEntries(pageViews({ years, installations })) });
console.log(`${stack.origin}/ (${years} years × ${installations} installations, synthetic)`);
const stop = () => stack.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
