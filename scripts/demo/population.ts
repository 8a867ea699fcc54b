/**
 * The demo's simulated population of pulpcore installations: pure and deterministic (a seed, a
 * size, a window of days), so the same command always tells the same story. scripts/demo.ts
 * posts what this produces; nothing here knows about HTTP.
 *
 * The story: core releases a new minor version every ~2 weeks (3.78 at the start of the window,
 * 3.85 at the end); installations upgrade at their own pace, some never, from as far back as
 * 3.20; new installations appear, some disappear, CI containers check in once; PostgreSQL
 * versions and RBAC usage vary; a few installations run private plugins that the summarizer's
 * allowlist keeps off the site.
 */
import { DAY_MS } from "@pulp-analytics/shared/config";

/** How a check-in travels (contract §2): each one goes through the real decoder. */
export type BodyForm = "protobuf" | "json-3.20" | "protobuf-json";

export interface Counts {
  processes: number;
  hosts: number;
}

export interface Rbac {
  users: number;
  groups: number;
  domains: number;
  customAccessPolicies: number;
  customRoles: number;
}

/** One check-in, as a pulpcore of that version would send it (absent fields: not reported). */
export interface DemoCheckIn {
  systemId: string;
  /** Check-in time, epoch ms (sent as X-Pulp-Analytics-Time). */
  at: number;
  form: BodyForm;
  components: { name: string; version: string }[];
  onlineWorkers: Counts;
  onlineContentApps: Counts;
  postgresqlVersion?: number;
  rbacStats?: Rbac;
}

export interface DemoOptions {
  systems: number;
  days: number;
  seed: number;
  /** 00:00 UTC of the last simulated day. */
  lastDay: number;
  /** Check-ins are never later than this (the last day is usually today). */
  now: number;
}

export interface DemoDay {
  /** 00:00 UTC of the day. */
  day: number;
  checkIns: DemoCheckIn[];
}

export interface Demo {
  /**
   * One check-in per installation that existed before the window, at the time it was set up:
   * it gives those installations their real age. No summary is run for those days.
   */
  history: DemoCheckIn[];
  days: DemoDay[];
}

/**
 * `npm run demo`'s default size. The stack's single workerd thread is the limit on a laptop:
 * each check-in costs two local KV operations, and each of the 90 daily summaries writes every
 * series with a point that day (about 300 here, 390 with 300 installations). 150 installations
 * (about 100 a day) keep the whole run near a minute on two cores, with every chart drawn.
 */
export const DEFAULT_SYSTEMS = 150;

/** Private plugins some installations run: on no allowlist, so they must never be published. */
export const PRIVATE_PLUGINS = ["acme_internal", "contoso_sync"] as const;

/**
 * Minors a plugin has released since core 3.21, at `rate` per core minor: never negative (an
 * installation on core 3.20 runs the plugin's first minor), since `3.-1.0` is no version ingest
 * accepts.
 */
const since321 = (coreMinor: number, rate: number) =>
  Math.max(0, Math.floor((coreMinor - 21) * rate));

/** What share of installations run each public plugin, and how its version follows core's. */
const PUBLIC_PLUGINS: { name: string; share: number; version: (coreMinor: number) => string }[] = [
  { name: "file", share: 0.85, version: (m) => `3.${m}` },
  { name: "rpm", share: 0.45, version: (m) => `3.${17 + since321(m, 0.2)}` },
  { name: "container", share: 0.4, version: (m) => `2.${14 + since321(m, 0.15)}` },
  { name: "ansible", share: 0.2, version: (m) => `0.${16 + since321(m, 0.15)}` },
  { name: "python", share: 0.18, version: (m) => `3.${8 + since321(m, 0.2)}` },
  { name: "deb", share: 0.12, version: (m) => `3.${since321(m, 0.1)}` },
  { name: "certguard", share: 0.25, version: (m) => `3.${m}` },
  { name: "galaxy", share: 0.05, version: (m) => `4.${6 + since321(m, 0.1)}` },
  { name: "ostree", share: 0.05, version: (m) => `2.${since321(m, 0.08)}` },
  { name: "gem", share: 0.04, version: (m) => `0.${1 + since321(m, 0.1)}` },
  { name: "maven", share: 0.03, version: (m) => `0.${3 + since321(m, 0.1)}` },
  { name: "npm", share: 0.02, version: (m) => `0.${1 + since321(m, 0.05)}` },
];

/** server_version integers by PostgreSQL major, oldest first. */
const POSTGRESQL = [90624, 110022, 120018, 130014, 140010, 150004, 160004, 170001];

/** The newest core minor on window day `index` of `days`: 3.78 at the start, 3.85 at the end. */
export function latestCoreMinor(index: number, days: number): number {
  return 78 + Math.floor((index * 7) / Math.max(1, days - 1));
}

/** mulberry32: small, fast and good enough to make a demo repeatable. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const chance = (rng: Rng, p: number) => rng() < p;
/** 0 ..< max, mostly small, sometimes large: deployment sizes, user counts, upgrade lag. */
const skewed = (rng: Rng, max: number) => Math.floor(max ** rng()) - 1;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function hex(rng: Rng, digits: number): string {
  let out = "";
  for (let i = 0; i < digits; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}

/** A UUID as pulpcore makes them: v4 in older releases, v7 (time-ordered) in newer ones. */
function systemId(rng: Rng, setUpAt: number, version7: boolean): string {
  const variant = (8 + Math.floor(rng() * 4)).toString(16);
  if (!version7) {
    return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`;
  }
  const time = Math.max(0, setUpAt).toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`;
}

interface Installation {
  id: string;
  /** Window day index it was set up on (negative: before the window) and the one it stops. */
  born: number;
  gone: number;
  /** Minute of the day it usually checks in, and how likely it checks in on a given day. */
  minute: number;
  reliability: number;
  /** Chance per day of upgrading when a newer core exists (0: never upgrades). */
  upgradeRate: number;
  coreMinor: number;
  patch: number;
  plugins: string[];
  privatePlugins: string[];
  /** Posts the protobuf JSON mapping (a proxy or script) instead of protobuf. */
  jsonMapping: boolean;
  postgresql: number;
  workers: Counts;
  contentApps: Counts;
  rbac: Rbac;
}

function deployment(rng: Rng, size: "small" | "medium" | "large"): [Counts, Counts] {
  const hosts = size === "small" ? 1 : size === "medium" ? between(rng, 1, 4) : between(rng, 3, 12);
  const perHost = size === "small" ? between(rng, 1, 4) : between(rng, 2, 8);
  const appHosts = Math.max(1, Math.min(hosts, between(rng, 1, hosts)));
  return [
    { processes: hosts * perHost, hosts },
    { processes: appHosts * between(rng, 1, 3), hosts: appHosts },
  ];
}

/** Older installations run older PostgreSQL; a few do not know theirs (0). */
function postgresqlFor(rng: Rng, coreMinor: number): number {
  if (chance(rng, 0.04)) return 0;
  const newest = coreMinor < 40 ? 4 : coreMinor < 60 ? 5 : 7;
  const oldest = coreMinor < 40 ? 0 : coreMinor < 60 ? 2 : 3;
  return POSTGRESQL[between(rng, oldest, newest)] as number;
}

/** Core versions that downstream products ship: many installations stay on them for years. */
const LONG_LIVED_CORE = [21, 28, 39, 49, 63, 73];

/** Where an installation starts: new ones near the newest release, older ones spread out. */
function startingCore(rng: Rng, born: number, latest: number): { minor: number; patch: number } {
  if (born >= 0) return { minor: latest - skewed(rng, 4), patch: between(rng, 0, 2) };
  if (chance(rng, 0.03)) return { minor: 20, patch: 0 };
  if (chance(rng, 0.4)) {
    const minor = pick(rng, LONG_LIVED_CORE);
    // Everyone on a long-lived version runs one of its last two patch releases.
    return { minor, patch: 20 + (minor % 7) - between(rng, 0, 1) };
  }
  return { minor: latest - skewed(rng, 14), patch: between(rng, 0, 3) };
}

function install(rng: Rng, born: number, days: number, windowStart: number): Installation {
  const core = startingCore(rng, born, latestCoreMinor(Math.max(0, born), days));
  const size = chance(rng, 0.7) ? "small" : chance(rng, 0.8) ? "medium" : "large";
  const [workers, contentApps] = deployment(rng, size);
  const users = 1 + skewed(rng, size === "large" ? 5000 : 300);
  const setUpAt = windowStart + born * DAY_MS;
  return {
    id: systemId(rng, setUpAt, core.minor >= 70),
    born,
    gone: Number.POSITIVE_INFINITY,
    minute: between(rng, 0, 24 * 60 - 1),
    reliability: 0.8 + rng() * 0.2,
    // 3.20 only ever reported from dev checkouts, which stay where they are.
    upgradeRate: core.minor === 20 ? 0 : pick(rng, [0, 0, 0.01, 0.03, 0.03, 0.08]),
    coreMinor: core.minor,
    patch: core.patch,
    plugins: PUBLIC_PLUGINS.filter((p) => chance(rng, p.share)).map((p) => p.name),
    privatePlugins: chance(rng, 0.05) ? [pick(rng, PRIVATE_PLUGINS)] : [],
    jsonMapping: chance(rng, 0.08),
    postgresql: postgresqlFor(rng, core.minor),
    workers,
    contentApps,
    rbac: {
      users,
      groups: Math.floor(users / between(rng, 3, 10)),
      domains: chance(rng, 0.08) ? between(rng, 1, 40) : 0,
      customAccessPolicies: chance(rng, 0.15) ? 1 + skewed(rng, 30) : 0,
      customRoles: chance(rng, 0.3) ? 1 + skewed(rng, 40) : 0,
    },
  };
}

function population(rng: Rng, options: DemoOptions, windowStart: number): Installation[] {
  const { systems, days } = options;
  return Array.from({ length: systems }, () => {
    const preexisting = chance(rng, 0.65);
    // Before the window: set up to two years earlier. In it: any day.
    const born = preexisting ? -between(rng, 1, 730) : between(rng, 0, days - 1);
    const installation = install(rng, born, days, windowStart);
    if (!preexisting && chance(rng, 0.1)) {
      installation.gone = born + 1; // a CI container: one check-in, never persistent
    } else if (chance(rng, 0.15)) {
      installation.gone = between(rng, Math.max(0, born) + 1, days);
    }
    return installation;
  });
}

/** The day's changes to one installation: upgrades, restarts, new users. */
function evolve(rng: Rng, it: Installation, latest: number): void {
  if (it.coreMinor < latest && chance(rng, it.upgradeRate)) {
    it.coreMinor = latest - (chance(rng, 0.3) ? 1 : 0);
    it.patch = between(rng, 0, 1);
    if (it.postgresql > 0 && it.postgresql < 150000 && chance(rng, 0.2)) {
      it.postgresql = POSTGRESQL[POSTGRESQL.indexOf(it.postgresql) + 1] ?? it.postgresql;
    }
  }
  if (chance(rng, 0.05)) {
    it.workers.processes = Math.max(it.workers.hosts, it.workers.processes + between(rng, -1, 1));
  }
  if (chance(rng, 0.03)) it.rbac.users += 1;
}

/** What a pulpcore of the installation's version sends: 3.20 JSON, 3.21 no PostgreSQL, ... */
function checkIn(it: Installation, at: number): DemoCheckIn {
  const core = it.coreMinor;
  const coreVersion = core === 20 ? "3.20.0.dev" : `3.${core}.${it.patch}`;
  const components = [{ name: "core", version: coreVersion }];
  for (const name of it.plugins) {
    const plugin = PUBLIC_PLUGINS.find((p) => p.name === name);
    if (plugin) components.push({ name, version: `${plugin.version(core)}.${it.patch}` });
  }
  for (const name of it.privatePlugins) components.push({ name, version: "1.4.0" });
  const form: BodyForm = core === 20 ? "json-3.20" : it.jsonMapping ? "protobuf-json" : "protobuf";
  return {
    systemId: it.id,
    at,
    form,
    components,
    onlineWorkers: { ...it.workers },
    onlineContentApps: { ...it.contentApps },
    ...(core >= 22 ? { postgresqlVersion: it.postgresql } : {}),
    ...(core >= 23 ? { rbacStats: { ...it.rbac } } : {}),
  };
}

/** The whole demo: the set-up check-ins of older installations, then day by day. */
export function simulate(options: DemoOptions): Demo {
  const rng = random(options.seed);
  const windowStart = options.lastDay - (options.days - 1) * DAY_MS;
  const installations = population(rng, options, windowStart);
  const at = (day: number, it: Installation) =>
    Math.min(options.now, day + it.minute * 60_000 + between(rng, 0, 59) * 1000);

  const history = installations
    .filter((it) => it.born < 0)
    .map((it) => checkIn(it, at(windowStart + it.born * DAY_MS, it)));

  const days: DemoDay[] = [];
  for (let index = 0; index < options.days; index++) {
    const day = windowStart + index * DAY_MS;
    const latest = latestCoreMinor(index, options.days);
    const checkIns: DemoCheckIn[] = [];
    for (const it of installations) {
      if (index < it.born || index >= it.gone) continue;
      evolve(rng, it, latest);
      if (index === it.born || chance(rng, it.reliability)) checkIns.push(checkIn(it, at(day, it)));
    }
    days.push({ day, checkIns });
  }
  return { history, days };
}
