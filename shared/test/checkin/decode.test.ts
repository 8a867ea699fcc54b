import { fixtureBytes, fixtures } from "@pulp-analytics/fixtures/pulpcore";
import { describe, expect, it } from "vitest";
import { decodeCheckIn } from "../../src/checkin/decode";

describe("decodeCheckIn on real pulpcore bytes", () => {
  it.each(fixtures.map((f) => [f.file, f] as const))("%s", (_file, fixture) => {
    const result = decodeCheckIn(fixtureBytes(fixture.file), fixture.content_type);
    if (!result.ok) throw new Error(JSON.stringify(result.problem));
    const { checkIn } = result.value;
    const e = fixture.expect;
    expect(checkIn.systemId).toBe(e.system_id);
    expect(Object.fromEntries(checkIn.components.map((c) => [c.name, c.version]))).toEqual(
      e.components,
    );
    expect(checkIn.onlineWorkers).toEqual(e.online_workers);
    expect(checkIn.onlineContentApps).toEqual(e.online_content_apps);
    expect(checkIn.postgresqlVersion).toBe(e.postgresql_version);
    const r = e.rbac_stats;
    expect(checkIn.rbacStats).toEqual(
      r && {
        users: r.users,
        groups: r.groups,
        domains: r.domains,
        customAccessPolicies: r.custom_access_policies,
        customRoles: r.custom_roles,
      },
    );
  });
});
