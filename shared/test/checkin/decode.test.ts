import { fixtureBytes, fixtures } from "@pulp-analytics/fixtures/pulpcore";
import { describe, expect, it } from "vitest";
import { decodeCheckIn } from "../../src/checkin/decode";
import { AnalyticsSchema } from "../../src/checkin/gen/analytics_pb";
import { withoutMisfitFields } from "../../src/checkin/wire";

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

/** Hand-made protobuf records: a tag is (field number << 3) | wire type. */
const VARINT = 0;
const BIT64 = 1;
const LEN = 2;
const BIT32 = 5;
const varint = (n: number): number[] => {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
};
const record = (field: number, wireType: number, payload: number[]): number[] => [
  ...varint((field << 3) | wireType),
  ...payload,
];
const len = (field: number, payload: number[]) =>
  record(field, LEN, [...varint(payload.length), ...payload]);
const text = (s: string) => [...new TextEncoder().encode(s)];
const SYSTEM_ID = "019357a8-3c2d-7e4f-b123-4567890abcde";
const core = len(4, [...len(1, text("core")), ...len(2, text("3.63.2"))]);
const base = [...len(1, text(SYSTEM_ID)), ...core];

const decodeBytes = (bytes: number[]) => decodeCheckIn(new Uint8Array(bytes), null);
const checkInOf = (bytes: number[]) => {
  const result = decodeBytes(bytes);
  if (!result.ok) throw new Error(JSON.stringify(result.problem));
  return result.value.checkIn;
};

describe("decodeCheckIn: a known field with the wrong wire type is an unknown field", () => {
  it("reads the hand-made base message", () => {
    expect(checkInOf(base)).toMatchObject({
      systemId: SYSTEM_ID,
      components: [{ name: "core", version: "3.63.2" }],
      onlineWorkers: null,
      postgresqlVersion: null,
    });
  });

  it("online_workers sent as a varint is not reported (not 9/9)", () => {
    const checkIn = checkInOf([...base, ...record(3, VARINT, varint(9))]);
    expect(checkIn.onlineWorkers).toBeNull();
  });

  it("an empty length-delimited postgresql_version is not reported (not 0)", () => {
    expect(checkInOf([...base, ...len(5, [])]).postgresqlVersion).toBeNull();
    expect(checkInOf([...base, ...record(5, BIT32, [1, 2, 3, 4])]).postgresqlVersion).toBeNull();
  });

  it("the records of the right type around a misfit still count, the last one winning", () => {
    const bytes = [
      ...base,
      ...record(5, VARINT, varint(150004)),
      ...len(5, varint(170001)),
      ...record(3, BIT64, [9, 9, 9, 9, 9, 9, 9, 9]),
      ...len(3, [...record(1, VARINT, varint(4)), ...record(2, VARINT, varint(2))]),
    ];
    const checkIn = checkInOf(bytes);
    expect(checkIn.postgresqlVersion).toBe(150004);
    expect(checkIn.onlineWorkers).toEqual({ processes: 4, hosts: 2 });
  });

  it("drops misfits inside nested messages too", () => {
    const workers = len(3, [...record(1, BIT32, [7, 0, 0, 0]), ...record(2, VARINT, varint(2))]);
    expect(checkInOf([...base, ...workers]).onlineWorkers).toEqual({ processes: 0, hosts: 2 });
    const rbac = len(6, [...len(1, varint(5)), ...record(5, VARINT, varint(3))]);
    expect(checkInOf([...base, ...rbac]).rbacStats).toEqual({
      users: 0,
      groups: 0,
      domains: 0,
      customAccessPolicies: 0,
      customRoles: 3,
    });
  });

  it("a required field sent with the wrong wire type is missing, so the body is refused", () => {
    const noId = decodeBytes([...record(1, VARINT, varint(7)), ...core]);
    expect(noId.ok).toBe(false);
    const nameless = len(4, [...record(1, VARINT, varint(1)), ...len(2, text("3.63.2"))]);
    const result = decodeBytes([...len(1, text(SYSTEM_ID)), ...nameless]);
    expect(result.ok ? [] : (result.problem.issues ?? []).map((i) => i.path)).toContain(
      "components.0.name",
    );
  });

  it("bytes that are not protobuf stay refused", () => {
    const truncated = decodeBytes([...base, ...record(3, LEN, varint(40))]);
    expect(truncated.ok ? 200 : truncated.problem.status).toBe(400);
  });
});

describe("withoutMisfitFields", () => {
  it.each(fixtures.filter((f) => f.content_type !== "application/json").map((f) => [f.file]))(
    "%s: returns a well-formed body itself, untouched",
    (file) => {
      const bytes = fixtureBytes(file);
      expect(withoutMisfitFields(AnalyticsSchema, bytes)).toBe(bytes);
    },
  );
});
