/** The byte-exact pulpcore check-ins beside the checkout (../shared/fixtures/pulpcore). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Fixture, FixtureBinding } from "./fixture-types.ts";

const dir = fileURLToPath(new URL("../../../shared/fixtures/pulpcore/", import.meta.url));

export const fixtures: Fixture[] = JSON.parse(readFileSync(`${dir}index.json`, "utf8"));

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${dir}${file}`));
}

/** The fixtures as a JSON binding (`FIXTURES`) for tests inside workerd. */
export function fixtureBinding(): FixtureBinding[] {
  return fixtures.map((f) => ({
    file: f.file,
    contentType: f.content_type,
    base64: Buffer.from(fixtureBytes(f.file)).toString("base64"),
    expect: f.expect,
  }));
}
