/**
 * The budget of new installations (docs/architecture.md#admission): a system id RAW does not
 * hold yet is stored only while its network (IPv4 /24, IPv6 /48) and the whole service have
 * budget left for the check-in's UTC day. Known installations never ask.
 *
 * One instance for the whole deployment counts exactly: a Durable Object's calls see each
 * other's writes, and new ids are rare (thousands a day at most), so one instance is far from its
 * limits. Its state is one UTC day's: the day, a random HMAC key, the count of known
 * installations that checked in (which sets the next day's global budget), the count admitted,
 * and one counter per network, keyed by the network's HMAC under that day's key. No address or
 * prefix is ever stored; the key and the counters are deleted when the day is over (on the first
 * call of a later day, or by the alarm set for the day's end), so a counter cannot be tied to a
 * network afterwards even by whoever holds the storage.
 */
import { DurableObject } from "cloudflare:workers";
import { DAY_MS, startOfUtcDay, VAR } from "@pulp-analytics/shared/config";
import type { IngestEnv } from "@pulp-analytics/shared/env";

/** The one instance's name. */
export const ADMISSION_NAME = "admission";

export interface Budgets {
  /** New installations per network (IPv4 /24, IPv6 /48) per UTC day. */
  perNetwork: number;
  /** New installations per UTC day in all, at least. */
  floor: number;
  /** New installations per UTC day in all, as a share of yesterday's known ones, if above the floor. */
  share: number;
}

export type Admitted = { ok: true } | { ok: false; budget: "network" | "global" };

/** The budgets of the environment's vars; throws (and admission then fails closed) if invalid. */
export function readBudgets(env: IngestEnv): Budgets {
  const number = (name: string, text: string | undefined, pattern: RegExp) => {
    if (text === undefined || !pattern.test(text)) {
      throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(text)}`);
    }
    return Number(text);
  };
  const whole = /^\d{1,9}$/;
  return {
    perNetwork: number(VAR.ADMISSION_PER_NETWORK, env[VAR.ADMISSION_PER_NETWORK], whole),
    floor: number(VAR.ADMISSION_FLOOR, env[VAR.ADMISSION_FLOOR], whole),
    share: number(VAR.ADMISSION_SHARE, env[VAR.ADMISSION_SHARE], /^\d{1,3}(\.\d{1,6})?$/),
  };
}

/** The global budget of a day whose day before had `population` known installations. */
const globalBudget = (budgets: Budgets, population: number): number =>
  Math.max(budgets.floor, Math.floor(budgets.share * population));

/** Storage keys. Counters of networks are `network:<hex>`. */
const KEY = {
  day: "day",
  hmacKey: "hmac-key",
  /** Known installations that checked in on the day before `day`: sets today's global budget. */
  before: "population-before",
  /** Known installations that checked in on `day` so far. */
  population: "population",
  admitted: "admitted",
} as const;
const NETWORK = "network:";

export class AdmissionBudget extends DurableObject<IngestEnv> {
  private cachedKey: { day: number; key: CryptoKey } | null = null;

  private get kv(): SyncKvStorage {
    return this.ctx.storage.kv;
  }

  /**
   * Whether a new installation from `network` may be stored on the UTC day `day` (00:00 UTC,
   * epoch ms), counting it if so. A day before the current one counts against the current one.
   */
  async admit(day: number, network: string, budgets: Budgets): Promise<Admitted> {
    for (;;) {
      const current = this.enter(day);
      const key = await this.hmacKey(current);
      const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(network));
      // Another call may have begun a later day (and a new key) meanwhile: hash again.
      if (this.kv.get<number>(KEY.day) !== current) continue;
      // From here to the end no await: the check and the count are one step.
      const counter = NETWORK + hex(mac);
      const fromNetwork = this.kv.get<number>(counter) ?? 0;
      if (fromNetwork >= budgets.perNetwork) return { ok: false, budget: "network" };
      const admitted = this.kv.get<number>(KEY.admitted) ?? 0;
      const population = this.kv.get<number>(KEY.before) ?? 0;
      if (admitted >= globalBudget(budgets, population)) return { ok: false, budget: "global" };
      this.kv.put(counter, fromNetwork + 1);
      this.kv.put(KEY.admitted, admitted + 1);
      return { ok: true };
    }
  }

  /** A known installation's first check-in of the UTC day `day`: one more in its population. */
  seen(day: number): void {
    if (this.enter(day) !== day) return; // a late report of a day already over
    this.kv.put(KEY.population, (this.kv.get<number>(KEY.population) ?? 0) + 1);
  }

  /** The day is over by the clock: drop its key and counters, keep its population. */
  override async alarm(): Promise<void> {
    const today = startOfUtcDay(Date.now());
    const day = this.kv.get<number>(KEY.day);
    if (day !== undefined && day < today) this.begin(day, today);
  }

  /** Makes `day` current if it is later than the stored day; the current day. */
  private enter(day: number): number {
    const stored = this.kv.get<number>(KEY.day);
    if (stored !== undefined && day <= stored) return stored;
    this.begin(stored, day);
    return day;
  }

  /** Deletes everything of `ended` but its population, which becomes `day`'s "day before". */
  private begin(ended: number | undefined, day: number): void {
    const population =
      ended !== undefined && day - ended === DAY_MS
        ? (this.kv.get<number>(KEY.population) ?? 0)
        : 0;
    for (const [key] of [...this.kv.list()]) this.kv.delete(key);
    this.kv.put(KEY.day, day);
    this.kv.put(KEY.before, population);
    this.cachedKey = null;
  }

  /**
   * The day's HMAC key, made on first use. When the day is the clock's, an alarm at its end
   * deletes the key and the counters even if no later call comes; a simulated day (local stack,
   * tests) is left to the next call of a later day.
   */
  private async hmacKey(day: number): Promise<CryptoKey> {
    if (this.cachedKey?.day === day) return this.cachedKey.key;
    let raw = this.kv.get<ArrayBuffer>(KEY.hmacKey);
    if (raw === undefined) {
      raw = crypto.getRandomValues(new Uint8Array(32)).buffer;
      this.kv.put(KEY.hmacKey, raw);
      if (day === startOfUtcDay(Date.now())) await this.ctx.storage.setAlarm(day + DAY_MS);
    }
    const key = await crypto.subtle.importKey(
      "raw",
      raw,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    this.cachedKey = { day, key };
    return key;
  }
}

/** The first 16 bytes of a MAC as hex: 128 bits, no collision between a day's networks. */
function hex(mac: ArrayBuffer): string {
  return [...new Uint8Array(mac, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
