/**
 * One summary run at a time per SUMMARY (docs/architecture.md#one-run-at-a-time), and the partial
 * sums of the run that holds it. A run reads a year's chunks, changes them and writes them back;
 * two runs at once would each write back their own copy and lose the other's days. KV has no
 * compare-and-set, so a run takes a lease from this Durable Object first: one instance for the
 * whole namespace, whose storage is strongly consistent and whose calls run one at a time.
 *
 * The lease is short ({@link LEASE_MS}) and renewed by every step of the run (run.ts): a run the
 * runtime killed stops renewing, and its lease lapses within a minute. The run's id is the lease's
 * token, so a step the Workflows engine retries renews the same lease.
 *
 * The run's partial sums (one row per scan slice and day) live here, beside the lease, because
 * they belong to its holder: a run that takes the lease from a dead one drops the dead one's sums
 * and starts its scan again; the dead one's unfinished writes are in SUMMARY's journal.
 */
import { DurableObject } from "cloudflare:workers";

/** A lease not renewed for this long is free: a killed run blocks others for at most a minute. */
export const LEASE_MS = 60_000;

/** The one lock's name: SUMMARY is one namespace per environment, bound to one summarizer. */
const LOCK_NAME = "SUMMARY";

/**
 * SQLite-backed Durable Objects store rows of up to 2 MB; a day's partial sums are cut into
 * parts well under that.
 */
const PART_CHARS = 500_000;

interface Lease {
  /** The run's id (its Workflow instance id). */
  token: string;
  /** What started it: `cron`, `converge`, `finish`, `put`. */
  holder: string;
  since: number;
  until: number;
}

export type Acquired =
  | { ok: true; token: string }
  | { ok: false; holder: string; since: number; until: number };

export class SummaryLock extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS partial (slice INTEGER, day INTEGER, part INTEGER, body TEXT, PRIMARY KEY (slice, day, part))",
    );
  }

  /**
   * The lease for run `token`: taken when free or lapsed, renewed when `token` holds it already
   * (a retried step). Storage reads and writes of a Durable Object let no other call in between,
   * so two calls cannot both see it free. Taking it from another run drops that run's sums.
   */
  async acquire(token: string, holder: string): Promise<Acquired> {
    const now = Date.now();
    const held = await this.ctx.storage.get<Lease>("lease");
    if (held && held.token !== token && held.until > now) {
      return { ok: false, holder: held.holder, since: held.since, until: held.until };
    }
    if (held?.token !== token) this.ctx.storage.sql.exec("DELETE FROM partial");
    const since = held?.token === token ? held.since : now;
    await this.ctx.storage.put("lease", { token, holder, since, until: now + LEASE_MS });
    return { ok: true, token };
  }

  /**
   * Renews run `token`'s lease: true while no other run has taken it since (a lease that lapsed
   * but was not taken is still the run's, with its sums).
   */
  async renew(token: string): Promise<boolean> {
    const held = await this.ctx.storage.get<Lease>("lease");
    if (held?.token !== token) return false;
    await this.ctx.storage.put("lease", { ...held, until: Date.now() + LEASE_MS });
    return true;
  }

  /** Ends the lease `token` names, with its sums; a lease another run has taken is left alone. */
  async release(token: string): Promise<void> {
    const held = await this.ctx.storage.get<Lease>("lease");
    if (held?.token !== token) return;
    this.ctx.storage.sql.exec("DELETE FROM partial");
    await this.ctx.storage.delete("lease");
  }

  /** Who holds SUMMARY now, if anyone. */
  async holder(): Promise<Extract<Acquired, { ok: false }> | null> {
    const held = await this.ctx.storage.get<Lease>("lease");
    if (!held || held.until <= Date.now()) return null;
    return { ok: false, holder: held.holder, since: held.since, until: held.until };
  }

  /**
   * Stores scan slice `slice`'s sums, one text per day, replacing whatever that slice stored
   * before (a retried step), and renews the lease; refused when `token` no longer holds it.
   */
  async putPartials(token: string, slice: number, days: Array<[number, string]>): Promise<void> {
    await this.requireLease(token);
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec("DELETE FROM partial WHERE slice = ?", slice);
      for (const [day, body] of days) {
        for (let part = 0; part * PART_CHARS < body.length || part === 0; part++) {
          const text = body.slice(part * PART_CHARS, (part + 1) * PART_CHARS);
          sql.exec("INSERT INTO partial VALUES (?, ?, ?, ?)", slice, day, part, text);
        }
      }
    });
  }

  /**
   * The texts the slices after `afterSlice` stored for `day`, one per slice in slice order, at
   * most `maxSlices` of them, so a caller merges them a few at a time, never all at once; `last`
   * is the last slice returned (null: none left).
   */
  async partialsOf(
    token: string,
    day: number,
    afterSlice: number,
    maxSlices: number,
  ): Promise<{ texts: string[]; last: number | null }> {
    await this.requireLease(token);
    const rows = this.ctx.storage.sql.exec<{ slice: number; body: string }>(
      "SELECT slice, body FROM partial WHERE day = ? AND slice > ? ORDER BY slice, part",
      day,
      afterSlice,
    );
    const texts = new Map<number, string>();
    let last: number | null = null;
    for (const row of rows) {
      if (row.slice !== last && texts.size === maxSlices) break;
      texts.set(row.slice, (texts.get(row.slice) ?? "") + row.body);
      last = row.slice;
    }
    return { texts: [...texts.values()], last };
  }

  /** The days any slice stored sums for, ascending. */
  async partialDays(token: string): Promise<number[]> {
    await this.requireLease(token);
    return this.ctx.storage.sql
      .exec<{ day: number }>("SELECT DISTINCT day FROM partial ORDER BY day")
      .toArray()
      .map((row) => row.day);
  }

  /** Renews `token`'s lease, or throws {@link LeaseLost} when another run has taken it. */
  private async requireLease(token: string): Promise<void> {
    if (!(await this.renew(token))) throw new LeaseLost();
  }
}

/** Thrown when another run holds SUMMARY; nothing was read or written. */
export class SummaryBusy extends Error {
  constructor(readonly held: Extract<Acquired, { ok: false }>) {
    super(
      `another summary run (${held.holder}) has held SUMMARY since ${new Date(held.since).toISOString()}; its lease ends by ${new Date(held.until).toISOString()} unless it is renewed`,
    );
  }
}

/** A run's lease lapsed and another run took SUMMARY: this run must stop writing. */
export class LeaseLost extends Error {
  constructor() {
    super("this run's lease on SUMMARY lapsed and another run took it");
  }
}

/** The lock's one instance. */
export function summaryLock(binding: DurableObjectNamespace): DurableObjectStub<SummaryLock> {
  return binding.get(binding.idFromName(LOCK_NAME)) as DurableObjectStub<SummaryLock>;
}
