/**
 * `node scripts/run.mjs scripts/stack/seeded-stack.ts [YEARS] [INSTALLATIONS]`: the local stack with
 * SUMMARY seeded with years of Pulp's release calendar as the store writes them (every key:
 * chunks, weekly history, key lists, the page, the joint series of the planner and
 * "Installed together", and core's movement series of "Upgrades"; fixtures/src/summary.ts), for looking
 * at the page over years of history and taking screenshots (`npm run screenshots -- URL`).
 * Runs until interrupted.
 */
import { calendarSummary, seedEntries } from "@pulp-analytics/fixtures/summary";
import { startStack } from "../lib/stack";

const years = Number(process.argv[2] ?? 5);
const installations = Number(process.argv[3] ?? 10_000);
const summary = await calendarSummary({ years, installations, joint: true, movement: true });
const stack = await startStack({ summary: seedEntries(summary) });
console.log(`${stack.origin}/ (${years} years × ${installations} installations, synthetic)`);
const stop = () => stack.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
