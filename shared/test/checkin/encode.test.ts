import { fixtureBytes, fixtures } from "@pulp-analytics/fixtures/pulpcore";
import { describe, expect, it } from "vitest";
import { decodeCheckIn } from "../../src/checkin/decode";
import { encodeCheckIn } from "../../src/checkin/encode";
import type { CheckIn } from "../../src/checkin/schema";

const full: CheckIn = {
  systemId: "019357a8-3c2d-7e4f-b123-4567890abcde",
  components: [
    { name: "core", version: "3.63.2" },
    { name: "container", version: "2.19.0" },
  ],
  onlineWorkers: { processes: 0, hosts: 0 },
  onlineContentApps: { processes: 3, hosts: 3 },
  postgresqlVersion: 0,
  rbacStats: { users: 12, groups: 0, domains: 0, customAccessPolicies: 0, customRoles: 1 },
};

const roundTrip = (checkIn: CheckIn) => {
  const decoded = decodeCheckIn(encodeCheckIn(checkIn), null);
  if (!decoded.ok) throw new Error(JSON.stringify(decoded.problem));
  return decoded.value.checkIn;
};

describe("encodeCheckIn", () => {
  it("round-trips every fact, reported zeros as zeros", () => {
    expect(roundTrip(full)).toEqual(full);
  });

  it("round-trips what was not reported as not reported", () => {
    const old = { ...full, onlineWorkers: null, postgresqlVersion: null, rbacStats: null };
    expect(roundTrip(old)).toEqual(old);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))(
    "%s: the same facts in every body form are the same bytes",
    (_file, fixture) => {
      const decoded = decodeCheckIn(fixtureBytes(fixture.file), fixture.content_type);
      if (!decoded.ok) throw new Error(JSON.stringify(decoded.problem));
      const bytes = encodeCheckIn(decoded.value.checkIn);
      expect(roundTrip(decoded.value.checkIn)).toEqual(decoded.value.checkIn);
      const json = new TextEncoder().encode(
        JSON.stringify({ ...decoded.value.checkIn, junk: "x".repeat(100) }),
      );
      const again = decodeCheckIn(json, "application/json");
      if (!again.ok) throw new Error(JSON.stringify(again.problem));
      expect(encodeCheckIn(again.value.checkIn)).toEqual(bytes);
    },
  );
});
