/**
 * Check-ins shaped like each pulpcore release sends them, encoded in the tests with our schema.
 * (The byte-exact fixtures made by Google's runtime are tested too, in forms.test.ts.)
 */
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { type Analytics, AnalyticsSchema } from "@pulp-analytics/shared/checkin";

/** A plain object initialiser (not a message instance), so tests can spread and override it. */
type Init = Exclude<MessageInitShape<typeof AnalyticsSchema>, Analytics>;

export const ids = {
  v4: "3f2b8c1e-5d4a-4f6b-9c8d-7e6f5a4b3c2d",
  v7: "01936f2a-7b3c-7d4e-8f5a-6b7c8d9e0f1a",
};

/** pulpcore 3.21: fields 1-4 only. */
export const release321: Init = {
  systemId: ids.v4,
  onlineContentApps: { processes: 2, hosts: 1 },
  onlineWorkers: { processes: 4, hosts: 2 },
  components: [
    { name: "core", version: "3.21.4" },
    { name: "rpm", version: "3.19.2" },
  ],
};

/** pulpcore 3.22: adds the PostgreSQL server_version. */
export const release322: Init = { ...release321, postgresqlVersion: 150004 };

/** pulpcore 3.23: adds RBAC stats; new installations have UUIDv7 ids. */
export const release323: Init = {
  ...release322,
  systemId: ids.v7,
  postgresqlVersion: 160004,
  rbacStats: { users: 40, groups: 5, domains: 2, customAccessPolicies: 1, customRoles: 3 },
};

export function encode(init: Init): Uint8Array {
  return toBinary(AnalyticsSchema, create(AnalyticsSchema, init));
}

/** A future pulpcore: the 3.23 message plus fields we do not know (7: string, 8: varint, 9: message). */
export function futureBytes(): Uint8Array {
  const known = encode(release323);
  const unknown = [
    ...[0x3a, 5, ...new TextEncoder().encode("hello")], // field 7, length-delimited
    ...[0x40, 0x96, 0x01], // field 8, varint 150
    ...[0x4a, 2, 0x08, 0x01], // field 9, an embedded message
  ];
  return Uint8Array.from([...known, ...unknown]);
}

/** pulpcore 3.20's JSON (aiohttp `json=`), dev installs only. */
export const legacyJson = {
  system_id: ids.v4,
  versions: [
    { component: "core", version: "3.20.0.dev" },
    { component: "file", version: "1.11.0.dev" },
  ],
  online_content_apps: { processes: 2, hosts: 1 },
  online_workers: { processes: 2, hosts: 1 },
};

/** The protobuf JSON mapping, as pulpcore's docs print it. */
export const protoJson = {
  systemId: ids.v7,
  onlineContentApps: { processes: 3, hosts: 3 },
  onlineWorkers: { processes: 0, hosts: 0 },
  components: [
    { name: "core", version: "3.63.2" },
    { name: "container", version: "2.19.0" },
  ],
  postgresqlVersion: 160004,
  rbacStats: { users: 12, groups: 3, domains: 0, customAccessPolicies: 0, customRoles: 1 },
};

export const json = { "Content-Type": "application/json" };
