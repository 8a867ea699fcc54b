/**
 * `npm start`: the whole stack on http://127.0.0.1:${PORT:-8787} (docs/contract.md#6-the-local-stack), local KV in
 * .wrangler/state. wrangler dev runs the three workers on an internal port behind a small front
 * that hands it only complete requests (see scripts/lib/front.ts for why).
 */
import { launchStack } from "../lib/stack";

const port = Number(process.env.PORT ?? "8787");
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}

const stack = await launchStack({
  port,
  persistTo: ".wrangler/state",
  output: (chunk) => process.stdout.write(chunk),
  onRestart: (reason) => console.error(`\nwrangler dev starts again: ${reason}.\n`),
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`Port ${port} is in use; PORT=… npm start runs the stack on another.`);
  process.exit(1);
});
console.log(`\nPulp Analytics (ingest, site, summarizer) on ${stack.origin}`);
console.log(
  `Summary runs: npx wrangler workflows instances list pulp-analytics-summary-run-dev --local --port ${stack.internalPort}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
const code = await stack.exited;
if (!stopping) {
  console.error(`wrangler dev ended (${code}); stopping.`);
  await stack.stop();
  process.exit(code ?? 1);
}
