import { reset } from "cloudflare:test";
import { DAY_MS, RAW_TTL_SECONDS } from "@pulp-analytics/shared/config";
import { encodeMeta, META_VERSION } from "@pulp-analytics/shared/raw";
import type { SystemRecord } from "@pulp-analytics/shared/summary";
import { afterEach, expect, it } from "vitest";
import worker from "../src/index";
import { type RunReport, summarize } from "../src/run";
import { scanRaw } from "../src/scan";
import {
  daysAgo,
  dumpSummary,
  fixtureBytes,
  seedRaw,
  seriesIn,
  systemId,
  testEnv,
  variedSystem,
} from "./helpers";

afterEach(() => reset());

const ttl = { expirationTtl: RAW_TTL_SECONDS };
const garbage = new Uint8Array([0xff, 0x00, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65]);

it("reads values only where metadata cannot say, and skips what cannot be read", async () => {
  const now = Date.now();
  const overflow = (f: number, l: number, x: "p" | "j") => ({ v: META_VERSION, f, l, x });
  const inline = (l: number) =>
    encodeMeta(
      {
        components: [{ name: "core", version: "3.49.1" }],
        onlineWorkers: null,
        onlineContentApps: null,
        postgresqlVersion: null,
        rbacStats: null,
      },
      { firstSeen: l, lastCheckIn: l },
      "p",
    );
  const raw = testEnv.RAW;
  // Counted, value read: no metadata, the check-in time comes from the expiry ingest renewed.
  await raw.put(systemId(1), fixtureBytes("pulpcore-3.23.bin"), ttl);
  await raw.put(systemId(2), fixtureBytes("pulpcore-3.20.json"), ttl);
  // Counted, value read: overflow entries and metadata that is not ours.
  await raw.put(systemId(5), fixtureBytes("pulpcore-3.22.bin"), {
    metadata: overflow(now - 5 * DAY_MS, now, "p"),
  });
  await raw.put(systemId(7), fixtureBytes("pulpcore-3.21.bin"), { ...ttl, metadata: { v: 99 } });
  // Counted from metadata alone.
  await raw.put(systemId(11), "{}", { metadata: inline(now) });
  // Skipped: undecodable value (read), corrupt overflow value (read), no time at all (not read).
  await raw.put(systemId(3), garbage, ttl);
  await raw.put(systemId(6), "{not json", { metadata: overflow(now, now, "j") });
  await raw.put(systemId(4), fixtureBytes("pulpcore-3.23.bin"));
  // Of no day the run summarizes (older than RAW's 60 days, so never backfilled): ignored
  // without reading the value.
  const old = now - 70 * DAY_MS;
  await raw.put(systemId(8), "{}", { metadata: inline(old) });
  await raw.put(systemId(9), garbage, { metadata: overflow(old - 9 * DAY_MS, old, "p") });

  const res = await worker.fetch(
    new Request("http://summarizer.test/", { method: "PUT" }),
    testEnv,
  );
  expect(res.status).toBe(200);
  const report: RunReport = await res.json();
  expect(report).toMatchObject({ systems: 5, persistent: 5, skipped: 3 });

  const dump = await dumpSummary();
  const written = Object.keys(dump).length;
  const valueReads = 6;
  // 1 RAW list, the value reads, 2 SUMMARY lists (the summarized days, then the store's), journal
  // put, every key written, journal delete. SUMMARY is empty, so nothing is read from it.
  expect(report.kvOps).toBe(1 + valueReads + 2 + 1 + written + 1);

  const stored = seriesIn(dump);
  const value = (key: string) => stored.get(key)?.[0]?.[1];
  expect(value("systems__total")).toBe(5);
  expect(value("versions_xyz__core__3.63.2")).toBe(1);
  expect(value("versions_xyz__core__3.20.0.dev")).toBe(1);
  expect(value("versions_xyz__file__1.11.0.dev")).toBe(1);
  expect(value("versions__core__3.21")).toBe(2);
  expect(value("versions__core__3.49")).toBe(1);
  expect(value("postgresql__16")).toBe(1);
  expect(value("postgresql__13")).toBe(1);
  expect(value("postgresql__unknown")).toBe(3);
  expect(value("age__0")).toBe(4);
  expect(value("age__5-8")).toBe(1);
  expect(value("rbac__users__9-16")).toBe(1);
  expect(value("online_workers__processes__min")).toBe(0);
});

it("follows the cursor past an empty page that is not the last", async () => {
  await seedRaw([1, 2, 3].map((i) => ({ id: systemId(i), record: variedSystem(i, daysAgo(0)) })));
  // KV may answer a page with no keys and list_complete false; here the first page is such one.
  const EMPTY = "empty-page-cursor";
  const raw = new Proxy(testEnv.RAW, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== "list") return typeof value === "function" ? value.bind(target) : value;
      return (options: KVNamespaceListOptions = {}) =>
        options.cursor
          ? target.list({ ...options, cursor: options.cursor === EMPTY ? null : options.cursor })
          : Promise.resolve({ keys: [], list_complete: false, cursor: EMPTY, cacheStatus: null });
    },
  });
  const { report, applied } = await summarize({ ...testEnv, RAW: raw }, daysAgo(0));
  expect(report).toMatchObject({ systems: 3, skipped: 0 });
  // 2 RAW lists, 2 SUMMARY lists (empty: nothing to read), journal put, the writes, journal delete.
  expect(report.kvOps).toBe(2 + 2 + 1 + applied.writes + 1);
});

it("hands on each component's movement from version 2 metadata, none from version 1 or values", async () => {
  const day = Date.UTC(2026, 10, 24); // UTC day 20781
  const l = day + 9 * 3_600_000;
  const c = [
    ["core", "3.50.1", 20_779, "3.49"], // upgraded on 2026-11-22
    ["rpm", "3.20.0", 20_781, ""], // added on 2026-11-24
    ["file", "3.50.1", -20_701], // reported on 2026-09-05, and maybe before
    ["deb", "3.6.1"], // dropped to fit: none known
  ];
  await testEnv.RAW.put(systemId(1), "{}", { metadata: { v: 2, f: l, l, c } });
  await testEnv.RAW.put(systemId(2), "{}", {
    metadata: { v: 1, f: l, l, c: [["core", "3.49.1"]] },
  });
  await testEnv.RAW.put(systemId(3), fixtureBytes("pulpcore-3.23.bin"), ttl);
  const systems: SystemRecord[] = [];
  const limits = { listLimit: 1000, maxValueReads: 10, enough: () => false };
  await scanRaw(
    testEnv.RAW,
    () => true,
    limits,
    (system) => systems.push(system),
  );
  expect(systems).toHaveLength(3);
  const [v2, v1, value] = systems;
  expect(v2?.movement).toEqual(
    new Map([
      ["core", { since: Date.UTC(2026, 10, 22), sinceKnown: true, previous: "3.49" }],
      ["rpm", { since: Date.UTC(2026, 10, 24), sinceKnown: true, previous: "" }],
      ["file", { since: Date.UTC(2026, 8, 5), sinceKnown: false }],
    ]),
  );
  expect(v1?.facts.components).toEqual([{ name: "core", version: "3.49.1" }]);
  expect(v1?.movement).toBeUndefined();
  expect(value?.movement).toBeUndefined();
});
