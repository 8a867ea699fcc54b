import { env, exports } from "cloudflare:workers";
import type { IngestEnv } from "@pulp-analytics/shared/env";
import type { FixtureBinding } from "../../../shared/test/fixture-types";

/** The worker under test, called in-process (its default export). */
export const worker = (exports as unknown as { default: Fetcher }).default;

export const testEnv = env as unknown as IngestEnv & { FIXTURES?: FixtureBinding[] };

export function fixtureBody(file: string): { body: Uint8Array; contentType: string } {
  const fixture = testEnv.FIXTURES?.find((f) => f.file === file);
  if (!fixture) throw new Error(`no fixture ${file}`);
  return {
    body: Uint8Array.from(atob(fixture.base64), (c) => c.charCodeAt(0)),
    contentType: fixture.contentType,
  };
}
