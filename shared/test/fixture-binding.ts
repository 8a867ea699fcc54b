/**
 * The pulpcore fixtures as a JSON binding for tests inside workerd (which has no file system):
 * each worker's vitest config passes `fixtureBinding()` into miniflare as `FIXTURES`.
 */
import { fixtureBytes, fixtures } from "./fixtures.ts";

export interface FixtureBinding {
  file: string;
  contentType: string;
  base64: string;
  expect: (typeof fixtures)[number]["expect"];
}

export function fixtureBinding(): FixtureBinding[] {
  return fixtures.map((f) => ({
    file: f.file,
    contentType: f.content_type,
    base64: Buffer.from(fixtureBytes(f.file)).toString("base64"),
    expect: f.expect,
  }));
}
