import { env, exports } from "cloudflare:workers";
import type { FixtureBinding } from "@pulp-analytics/fixtures/pulpcore-types";
import type { IngestEnv } from "@pulp-analytics/shared/env";

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

/** A POST / to the worker under test. */
export function post(
  body: BodyInit | null,
  headers: Record<string, string> = {},
  path = "/",
): Promise<Response> {
  return worker.fetch(`http://analytics.test${path}`, { method: "POST", body, headers });
}

/** Every key in RAW with its metadata (tests hold few keys: one page is enough). */
export async function rawSnapshot(): Promise<{ name: string; metadata: unknown }[]> {
  const page = await testEnv.RAW.list();
  return page.keys.map((k) => ({ name: k.name, metadata: k.metadata }));
}
