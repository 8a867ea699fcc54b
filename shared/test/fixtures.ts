/** The byte-exact pulpcore check-ins beside the checkout (../shared/fixtures/pulpcore). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../../shared/fixtures/pulpcore/", import.meta.url));

export interface Fixture {
  file: string;
  content_type: string;
  note: string;
  expect: {
    system_id: string;
    components: Record<string, string>;
    online_workers: { processes: number; hosts: number } | null;
    online_content_apps: { processes: number; hosts: number } | null;
    postgresql_version: number | null;
    rbac_stats: {
      users: number;
      groups: number;
      domains: number;
      custom_access_policies: number;
      custom_roles: number;
    } | null;
  };
}

export const fixtures: Fixture[] = JSON.parse(readFileSync(`${dir}index.json`, "utf8"));

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${dir}${file}`));
}
