/** The one schema's rules for versions (docs/contract.md#2-ingest-of-check-ins): what may become a series name. */
import { describe, expect, it } from "vitest";
import { CheckInSchema, LIMITS, preReleaseComponents } from "../../src/checkin/schema";
import { parseCheckInTime } from "../../src/config/time";

const checkIn = (version: string, postgresqlVersion: number | null = null) => ({
  systemId: "019357a8-3c2d-7e4f-b123-4567890abcde",
  components: [{ name: "core", version }],
  onlineWorkers: null,
  onlineContentApps: null,
  postgresqlVersion,
  rbacStats: null,
});

const accepts = (version: string) => CheckInSchema.safeParse(checkIn(version)).success;

describe("component versions", () => {
  it.each([
    "3.49.1",
    "2024.10.0",
    "3.50.0.dev",
    "3.20.0.dev0",
    "2.0.0a6",
    "3.30.0rc1",
    "1.0.0b2",
    "1.0.0.post1",
    "0.1.0",
    "0",
    "1.2.3.4",
    "999999.999999.999999",
  ])("accepts %s", (version) => {
    expect(accepts(version)).toBe(true);
  });

  it.each([
    ["a leading zero", "03.040.0"],
    ["a leading zero in the last part", "3.40.01"],
    ["a part of 7 digits", "1000000.0.0"],
    ["a number too big for a double", "99999999999999999999999.1.0"],
    ["a local version label", "3.40.0+evil.attacker_text"],
    ["a bare local label", "3.40.0+1"],
    ["five parts", "1.2.3.4.5"],
    ["an epoch", "1!3.40.0"],
    ["upper case", "3.50.0.DEV"],
    ["a leading v", "v3.49.1"],
    ["a trailing dot", "3.49."],
    ["an empty part", "3..1"],
    ["a dash suffix", "3.49.1-beta"],
    ["text", "latest"],
    ["markup", "1<script>"],
    ["33 characters", "100000.100000.100000.100000rc1.dev"],
    ["a pre-release with a leading zero", "3.0.0rc01"],
    ["suffixes out of order", "3.0.0.dev1rc1"],
  ])("refuses %s (%s)", (_why, version) => {
    expect(accepts(version)).toBe(false);
  });

  it("bounds every accepted version at maxVersionLength", () => {
    expect(LIMITS.maxVersionLength).toBe(32);
    expect(accepts("100000.100000.100000.1rc1.post1")).toBe(true);
  });

  it("production's release rule is canonical N.N.N", () => {
    const pre = (version: string) =>
      preReleaseComponents({ components: [{ name: "core", version }] });
    expect(pre("3.49.1")).toEqual([]);
    expect(pre("3.49.1.dev")).toHaveLength(1);
    expect(pre("3.49")).toHaveLength(1);
  });
});

describe("PostgreSQL server_version", () => {
  const pg = (v: number | null) => CheckInSchema.safeParse(checkIn("3.49.1", v)).success;

  it.each([0, 70_000, 90_624, 150_004, 170_001, 999_999])("accepts %i", (v) => {
    expect(pg(v)).toBe(true);
  });

  it("accepts not reported", () => {
    expect(pg(null)).toBe(true);
  });

  it.each([
    ["below PostgreSQL 7", 5],
    ["a major of 100", 1_000_000],
    ["a major of 999", 9_999_999],
    ["negative", -150_004],
    ["fractional", 150_004.5],
  ])("refuses %s (%d)", (_why, v) => {
    expect(pg(v)).toBe(false);
  });
});

describe("parseCheckInTime (docs/contract.md#7-simulated-check-in-time)", () => {
  it.each([
    ["2026-11-24T09:30:00Z", Date.UTC(2026, 10, 24, 9, 30)],
    ["2026-11-24T09:30Z", Date.UTC(2026, 10, 24, 9, 30)],
    ["2026-11-24T09:30:00.123Z", Date.UTC(2026, 10, 24, 9, 30, 0, 123)],
    ["2026-11-24T11:30:00+02:00", Date.UTC(2026, 10, 24, 9, 30)],
    ["2000-01-01T00:00:00Z", Date.UTC(2000, 0, 1)],
    ["2028-02-29T12:00:00Z", Date.UTC(2028, 1, 29, 12)],
  ])("reads %s", (text, epochMs) => {
    expect(parseCheckInTime(text)).toBe(epochMs);
  });

  it.each([
    "0000-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:30:00+01:00",
    "2026-02-30T00:00:00Z",
    "2027-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T09:60:00Z",
    "2026-11-24T09:30:60Z",
    "2026-11-24",
    "2026-11-24T09:30:00",
    "-000001-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "-1",
    "1732440600000",
    "yesterday",
    "",
    "2026-11-24T09:30:00Zjunk",
  ])("refuses %s", (text) => {
    expect(parseCheckInTime(text)).toBeNull();
  });
});
