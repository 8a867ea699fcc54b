/** Shapes of the pulpcore fixtures (../shared/fixtures/pulpcore/index.json); no Node imports. */

export interface FixtureFacts {
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
}

export interface Fixture {
  file: string;
  content_type: string;
  note: string;
  expect: FixtureFacts;
}

/** A fixture as handed to tests inside workerd, which has no file system. */
export interface FixtureBinding {
  file: string;
  contentType: string;
  base64: string;
  expect: FixtureFacts;
}
