/**
 * The budget of new installations (docs/contract.md#new-installations): the real
 * `AdmissionBudget` Durable Object and the real local RAW, with small budgets passed as the
 * environment's vars of each call (the deployed dev numbers are far above any test).
 */
import {
  createExecutionContext,
  reset,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { DAY_MS, HEADER, startOfUtcDay } from "@pulp-analytics/shared/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMISSION_NAME, type AdmissionBudget } from "../src/admission";
import ingest from "../src/index";
import { testEnv } from "./helpers";
import { encode, release323 } from "./payloads";

afterEach(async () => {
  vi.restoreAllMocks();
  await reset();
});

interface Budget {
  perNetwork?: number;
  floor?: number;
  share?: number;
}

const systemId = (i: number) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-0000000000ad`;

/** A check-in of system `i` from `address` at `at` (ISO), under `budget`. */
async function checkIn(
  i: number,
  address: string,
  at: string | null,
  budget: Budget = {},
  env: Partial<typeof testEnv> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "CF-Connecting-IP": address };
  if (at !== null) headers[HEADER.SIMULATED_TIME] = at;
  const request = new Request("http://analytics.test/", {
    method: "POST",
    body: encode({ ...release323, systemId: systemId(i) }),
    headers,
  });
  const vars = {
    ADMISSION_PER_NETWORK: String(budget.perNetwork ?? 3),
    ADMISSION_FLOOR: String(budget.floor ?? 100),
    ADMISSION_SHARE: String(budget.share ?? 0),
  };
  const response = await ingest.fetch(request, { ...testEnv, ...vars, ...env }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const stored = async (i: number) => (await testEnv.RAW.get(systemId(i))) !== null;

const admission = () =>
  testEnv.ADMISSION.get(
    testEnv.ADMISSION.idFromName(ADMISSION_NAME),
  ) as DurableObjectStub<AdmissionBudget>;

/** Every key and value the Durable Object holds, as text (binary values byte by byte). */
async function storageText(): Promise<{ keys: string[]; text: string }> {
  return runInDurableObject(admission(), (_, state) => {
    const entries = [...state.storage.kv.list()];
    const show = (value: unknown) =>
      value instanceof ArrayBuffer
        ? String.fromCharCode(...new Uint8Array(value))
        : JSON.stringify(value);
    return {
      keys: entries.map(([key]) => key),
      text: entries.map(([key, value]) => `${key}=${show(value)}`).join("\n"),
    };
  });
}

const DAY = "2026-11-05";
const at = (time: string, day = DAY) => `${day}T${time}Z`;

describe("new installations per network and UTC day", () => {
  it("refuses the next new id from a full IPv4 /24 and admits one from another /24", async () => {
    for (const [i, host] of [1, 2, 3].entries()) {
      expect((await checkIn(i, `203.0.113.${host}`, at("10:00:00"))).status).toBe(200);
    }
    expect((await checkIn(3, "203.0.113.250", at("10:00:00"))).status).toBe(429);
    expect(await stored(3)).toBe(false);
    expect((await checkIn(4, "203.0.114.1", at("10:00:00"))).status).toBe(200);
  });

  it("counts an IPv6 /48 as one network, however its addresses are written", async () => {
    const addresses = ["2001:db8:aa::1", "2001:db8:aa:ffff::1", "2001:0db8:00aa:1:2:3:4:5"];
    for (const [i, address] of addresses.entries()) {
      expect((await checkIn(i, address, at("10:00:00"))).status).toBe(200);
    }
    expect((await checkIn(3, "2001:db8:aa:100::9", at("10:00:00"))).status).toBe(429);
    expect((await checkIn(4, "2001:db8:ab::1", at("10:00:00"))).status).toBe(200);
  });

  it("answers 429 JSON, Retry-After until 00:00 UTC, and stores nothing", async () => {
    for (let i = 0; i < 3; i++) await checkIn(i, "198.51.100.7", at("10:00:00"));
    const res = await checkIn(3, "198.51.100.8", at("23:00:00"));
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("3600");
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await res.json()).toEqual({
      error:
        "too many new installations from this network today; installations already known are not affected; retry after 00:00 UTC",
      issues: [],
    });
    expect((await testEnv.RAW.list()).keys).toHaveLength(3);
    expect(await stored(3)).toBe(false);
    const last = await checkIn(4, "198.51.100.9", at("23:59:59.500"));
    expect(last.headers.get("Retry-After")).toBe("1");
  });

  it("never refuses a known installation, whatever is left", async () => {
    for (let i = 0; i < 3; i++) await checkIn(i, "192.0.2.1", at("09:00:00"));
    expect((await checkIn(3, "192.0.2.1", at("09:00:00"))).status).toBe(429);
    // The same day again, and the next days: the budgets are spent, the known ones post on.
    for (const day of [DAY, "2026-11-06", "2026-11-07"]) {
      for (let i = 3; i < 6; i++) await checkIn(100 + i, "192.0.2.1", at("08:00:00", day));
      for (let i = 0; i < 3; i++) {
        expect((await checkIn(i, "192.0.2.1", at("12:00:00", day))).status).toBe(200);
      }
    }
  });

  it("starts afresh on the next UTC day", async () => {
    for (let i = 0; i < 3; i++) await checkIn(i, "203.0.113.1", at("12:00:00"));
    expect((await checkIn(3, "203.0.113.1", at("23:59:59"))).status).toBe(429);
    expect((await checkIn(3, "203.0.113.1", at("00:00:00", "2026-11-06"))).status).toBe(200);
    expect(await stored(3)).toBe(true);
  });

  it("counts a check-in of a day already over against the current day", async () => {
    for (let i = 0; i < 3; i++) await checkIn(i, "203.0.113.1", at("12:00:00"));
    expect((await checkIn(3, "203.0.113.1", at("12:00:00", "2026-11-04"))).status).toBe(429);
  });
});

describe("new installations in all, per UTC day", () => {
  it("admits the floor from many networks, then refuses every network", async () => {
    const budget = { perNetwork: 10, floor: 5 };
    for (let i = 0; i < 5; i++) {
      expect((await checkIn(i, `10.0.${i}.1`, at("10:00:00"), budget)).status).toBe(200);
    }
    const res = await checkIn(5, "10.0.99.1", at("10:00:00"), budget);
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({
      error: expect.stringMatching(/^too many new installations today/),
    });
    expect(await stored(5)).toBe(false);
    expect((await checkIn(0, "10.0.99.1", at("11:00:00"), budget)).status).toBe(200);
  });

  it("follows the known installations that checked in the day before", async () => {
    // Floor 1, twice yesterday's known population.
    const budget = { perNetwork: 10, floor: 1, share: 2 };
    const day = (n: number) => `2026-11-0${n}`;
    const from = (i: number) => `10.1.${i}.1`;
    const admitted = async (d: number, ids: number[]) => {
      const answers = [];
      for (const i of ids)
        answers.push((await checkIn(i, from(i), at("12:00:00", day(d)), budget)).status);
      return answers;
    };
    // Day 1: nobody known yet: the floor, one.
    expect(await admitted(1, [0, 1])).toEqual([200, 429]);
    // Day 2: 0 checks in again (known); yesterday had no known check-in: the floor again.
    expect(await admitted(2, [0])).toEqual([200]);
    expect(await admitted(2, [1, 2])).toEqual([200, 429]);
    // Day 3: yesterday one known installation checked in: 2 × 1.
    expect(await admitted(3, [0, 1])).toEqual([200, 200]);
    expect(await admitted(3, [2, 3, 4])).toEqual([200, 200, 429]);
    // Day 4: yesterday 0 and 1 were known: 2 × 2.
    expect(await admitted(4, [0, 1, 2, 3])).toEqual([200, 200, 200, 200]);
    expect(await admitted(4, [4, 5, 6, 7, 8])).toEqual([200, 200, 200, 200, 429]);
    // Day 6 after a day without any check-in: the floor.
    expect(await admitted(6, [10, 11])).toEqual([200, 429]);
  });

  it("counts each known installation once a day, whatever it posts", async () => {
    const budget = { perNetwork: 10, floor: 1, share: 1 };
    await checkIn(0, "10.2.0.1", at("08:00:00", "2026-11-01"), budget);
    // Day 2: one known installation, posting five times.
    for (let n = 0; n < 5; n++)
      await checkIn(0, "10.2.0.1", at(`1${n}:00:00`, "2026-11-02"), budget);
    // Day 3: a budget of max(1, 1 × 1).
    expect((await checkIn(1, "10.2.1.1", at("08:00:00", "2026-11-03"), budget)).status).toBe(200);
    expect((await checkIn(2, "10.2.2.1", at("08:00:00", "2026-11-03"), budget)).status).toBe(429);
  });
});

describe("the admission call", () => {
  /** An ADMISSION binding whose instance records its calls, or fails them. */
  function fakeAdmission(fail: boolean) {
    const calls: string[] = [];
    const answer = (name: string, value: unknown) => {
      calls.push(name);
      return fail ? Promise.reject(new Error("Durable Object overloaded")) : Promise.resolve(value);
    };
    const stub = {
      admit: () => answer("admit", { ok: true }),
      seen: () => answer("seen", undefined),
    };
    const namespace = {
      idFromName: (name: string) => name,
      get: () => stub,
    } as unknown as DurableObjectNamespace;
    return { namespace, calls };
  }

  it("is made for new ids only; a known one tells its first check-in of a day, once", async () => {
    const { namespace, calls } = fakeAdmission(false);
    const env = { ADMISSION: namespace };
    await checkIn(0, "203.0.113.1", at("08:00:00"), {}, env);
    expect(calls).toEqual(["admit"]);
    await checkIn(0, "203.0.113.1", at("09:00:00"), {}, env);
    expect(calls).toEqual(["admit"]);
    await checkIn(0, "203.0.113.1", at("09:00:00", "2026-11-06"), {}, env);
    await checkIn(0, "203.0.113.1", at("10:00:00", "2026-11-06"), {}, env);
    expect(calls).toEqual(["admit", "seen"]);
  });

  it("failing refuses a new id with 503 and Retry-After, and never a known one", async () => {
    await checkIn(0, "203.0.113.1", at("08:00:00"));
    const { namespace } = fakeAdmission(true);
    const env = { ADMISSION: namespace };
    const res = await checkIn(1, "203.0.113.1", at("09:00:00"), {}, env);
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("60");
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("new installations") });
    expect(await stored(1)).toBe(false);
    expect((await checkIn(0, "203.0.113.1", at("09:00:00", "2026-11-06"), {}, env)).status).toBe(
      200,
    );
  });

  it("fails closed when a budget variable is not a number", async () => {
    const res = await checkIn(0, "203.0.113.1", at("08:00:00"), {}, { ADMISSION_FLOOR: "lots" });
    expect(res.status).toBe(503);
    expect(await stored(0)).toBe(false);
  });
});

describe("privacy of the counters", () => {
  const addresses = ["203.0.113.77", "2001:db8:beef:7::1234", "::ffff:198.51.100.23"];
  const leaks = [
    "203.0.113",
    "203.0.113.77",
    "2001:db8:beef",
    "2001:db8",
    "beef",
    "198.51.100",
    "/24",
    "/48",
    "unknown",
  ];

  it("holds no address, prefix or plain network, in any key or value", async () => {
    for (const [i, address] of addresses.entries()) {
      expect((await checkIn(i, address, at("10:00:00"))).status).toBe(200);
    }
    const { keys, text } = await storageText();
    expect(keys.filter((k) => k.startsWith("network:"))).toHaveLength(3);
    for (const key of keys) expect(key).toMatch(/^(network:[0-9a-f]{32}|[a-z-]+)$/);
    for (const leak of leaks) expect(text).not.toContain(leak);
  });

  it("drops the day's key and counters on the first call of a later day", async () => {
    for (const [i, address] of addresses.entries()) await checkIn(i, address, at("10:00:00"));
    const before = await storageText();
    await checkIn(10, "192.0.2.1", at("10:00:00", "2026-11-06"));
    const after = await storageText();
    const networks = (keys: string[]) => keys.filter((k) => k.startsWith("network:"));
    expect(networks(after.keys)).toHaveLength(1);
    for (const key of networks(before.keys)) expect(after.keys).not.toContain(key);
    const hmacKey = (text: string) => text.split("\n").find((line) => line.startsWith("hmac-key="));
    expect(hmacKey(after.text)).not.toBe(hmacKey(before.text));
  });

  it("drops them at the day's end by an alarm, keeping only the day's population", async () => {
    // The clock's day (no simulated time): the first new id sets the alarm for 00:00 UTC.
    await checkIn(0, "203.0.113.77", null);
    await checkIn(1, "2001:db8:beef::1", null);
    const today = startOfUtcDay(Date.now());
    const stub = admission();
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(
      today + DAY_MS,
    );
    // Pretend the day is over: the stored day becomes yesterday, with a population of 7.
    await runInDurableObject(stub, (_, state) => {
      state.storage.kv.put("day", today - DAY_MS);
      state.storage.kv.put("population", 7);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const { text } = await storageText();
    expect(text.split("\n").sort()).toEqual([`day=${today}`, "population-before=7"]);
  });
});

describe("logs", () => {
  it("say refused-new and which budget, never the address, prefix or system id", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    for (let i = 0; i < 4; i++) await checkIn(i, "203.0.113.77", at("10:00:00"));
    const refused = lines.map((l) => JSON.parse(l)).filter((l) => l.outcome === "refused-new");
    expect(refused).toEqual([
      expect.objectContaining({ event: "checkin", status: 429, budget: "network" }),
    ]);
    for (const line of lines) {
      for (const leak of ["203.0.113", "/24", systemId(3), systemId(0)]) {
        expect(line).not.toContain(leak);
      }
    }
  });
});
