import { decodeCheckIn } from "@pulp-analytics/shared/checkin";
import { DAY_MS } from "@pulp-analytics/shared/config";
import { expect, it } from "vitest";
import { encode } from "../demo/bodies";
import { DEFAULT_SYSTEMS, type Demo, PRIVATE_PLUGINS, simulate } from "../demo/population";

const NOW = Date.parse("2026-11-27T13:00:00Z");
const LAST_DAY = Date.parse("2026-11-27T00:00:00Z");
// The demo's default size: what a newcomer sees must tell the whole story.
const options = { systems: DEFAULT_SYSTEMS, days: 90, seed: 1, lastDay: LAST_DAY, now: NOW };
const demo = simulate(options);
const all = (d: Demo) => [...d.history, ...d.days.flatMap((day) => day.checkIns)];

it("is the same story for the same seed, and another one for another seed", () => {
  expect(simulate(options)).toEqual(demo);
  expect(simulate({ ...options, seed: 2 }).history).not.toEqual(demo.history);
});

it("covers the window day by day, each check-in inside its day and never in the future", () => {
  expect(demo.days).toHaveLength(90);
  expect(demo.days[89]?.day).toBe(LAST_DAY);
  for (const { day, checkIns } of demo.days) {
    for (const c of checkIns) {
      expect(c.at).toBeGreaterThanOrEqual(day);
      expect(c.at).toBeLessThan(Math.min(day + DAY_MS, NOW + 1));
    }
    // One check-in per installation per day: the ingest keeps only one anyway.
    expect(new Set(checkIns.map((c) => c.systemId)).size).toBe(checkIns.length);
  }
});

it("gives installations older than the window their set-up time", () => {
  // About two in three installations predate the window.
  expect(demo.history.length).toBeGreaterThan(options.systems / 2);
  for (const c of demo.history) expect(c.at).toBeLessThan(demo.days[0]?.day as number);
});

it("lets installations appear and disappear", () => {
  const ids = demo.days.map(({ checkIns }) => new Set(checkIns.map((c) => c.systemId)));
  const first = ids[0] as Set<string>;
  const last = ids[89] as Set<string>;
  expect([...last].some((id) => !first.has(id))).toBe(true);
  expect([...first].some((id) => !last.has(id))).toBe(true);
});

it("rolls core upgrades out over the window", () => {
  const newest = (day: number) =>
    demo.days[day]?.checkIns.filter((c) => c.components[0]?.version.startsWith("3.8")).length;
  expect(newest(0)).toBe(0);
  // Most of the last day's check-ins run a release from the window's last weeks.
  expect(newest(89)).toBeGreaterThan((demo.days[89]?.checkIns.length ?? 0) / 2);
});

it("posts all three body forms, each accepted by the real decoder as the check-in it encodes", () => {
  const forms = new Set(all(demo).map((c) => c.form));
  expect(forms).toEqual(new Set(["protobuf", "json-3.20", "protobuf-json"]));
  for (const form of forms) {
    const sample = all(demo).find((c) => c.form === form && c.components.length > 1);
    if (!sample) throw new Error(`no ${form} sample`);
    const { body, contentType } = encode(sample);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    const decoded = decodeCheckIn(bytes, contentType);
    expect(decoded.ok, form).toBe(true);
    if (!decoded.ok) continue;
    expect(decoded.value.checkIn.components).toEqual(sample.components);
  }
});

it("posts only check-ins ingest accepts, across seeds (no version ingest refuses)", () => {
  for (const seed of [1, 2, 12]) {
    const refused = all(simulate({ ...options, systems: 300, seed })).filter((checkIn) => {
      const { body, contentType } = encode(checkIn);
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      return !decodeCheckIn(bytes, contentType).ok;
    });
    expect(
      refused.map((c) => c.components),
      `seed ${seed}`,
    ).toEqual([]);
  }
});

it("spreads PostgreSQL versions and RBAC usage, reported only by pulpcore that knows them", () => {
  const checkIns = all(demo);
  const postgresql = new Set(checkIns.map((c) => c.postgresqlVersion));
  for (const v of [130014, 140010, 150004, 160004, 170001, 0]) expect(postgresql).toContain(v);
  expect(checkIns.some((c) => (c.rbacStats?.domains ?? 0) > 0)).toBe(true);
  expect(checkIns.some((c) => (c.rbacStats?.customRoles ?? 0) > 0)).toBe(true);
  for (const c of checkIns.filter((c) => c.components[0]?.version.startsWith("3.21."))) {
    expect(c.postgresqlVersion).toBeUndefined();
    expect(c.rbacStats).toBeUndefined();
  }
});

it("includes private plugins, which the summarizer must keep off the site", () => {
  const names = new Set(all(demo).flatMap((c) => c.components.map((x) => x.name)));
  for (const name of PRIVATE_PLUGINS) expect(names).toContain(name);
});
