/**
 * One summary run at a time per SUMMARY (docs/architecture.md#one-run-at-a-time). A run reads a
 * year's chunks, changes them and writes them back; two runs at once (the nightly cron and a
 * finishing cron it overran, or an operator's `PUT /` during the nightly run) would each write
 * back their own copy and lose the other's days. KV has no compare-and-set, so the run takes a
 * lease from this Durable Object first: one instance for the whole namespace, whose storage is
 * strongly consistent and whose calls run one at a time.
 *
 * A lease ends when its run releases it, or at the latest {@link LEASE_MS} after it was taken:
 * a run the runtime killed (it cannot release) holds SUMMARY no longer than a run could last.
 */
import { DurableObject } from "cloudflare:workers";

/** A cron invocation may run for 15 minutes of wall time; no run outlives its lease. */
export const LEASE_MS = 15 * 60_000;

/** The one lock's name: SUMMARY is one namespace per environment, bound to one summarizer. */
const LOCK_NAME = "SUMMARY";

interface Lease {
  token: string;
  /** What holds it: `cron`, `finish`, `put`. */
  holder: string;
  since: number;
  until: number;
}

export type Acquired =
  | { ok: true; token: string }
  | { ok: false; holder: string; since: number; until: number };

export class SummaryLock extends DurableObject {
  /**
   * The lease, unless another run holds one that has not expired. Storage reads and writes of a
   * Durable Object let no other call in between, so two calls cannot both see it free.
   */
  async acquire(holder: string): Promise<Acquired> {
    const now = Date.now();
    const held = await this.ctx.storage.get<Lease>("lease");
    if (held && held.until > now) {
      return { ok: false, holder: held.holder, since: held.since, until: held.until };
    }
    const lease: Lease = { token: crypto.randomUUID(), holder, since: now, until: now + LEASE_MS };
    await this.ctx.storage.put("lease", lease);
    return { ok: true, token: lease.token };
  }

  /** Ends the lease `token` names; a lease that has since expired and been taken is left alone. */
  async release(token: string): Promise<void> {
    const held = await this.ctx.storage.get<Lease>("lease");
    if (held?.token === token) await this.ctx.storage.delete("lease");
  }
}

/** Thrown when another run holds SUMMARY; nothing was read or written. */
export class SummaryBusy extends Error {
  constructor(readonly held: Extract<Acquired, { ok: false }>) {
    super(
      `another summary run (${held.holder}) has held SUMMARY since ${new Date(held.since).toISOString()}; its lease ends by ${new Date(held.until).toISOString()}`,
    );
  }
}

/** Runs `work` holding the lease, released however `work` ends; throws {@link SummaryBusy}. */
export async function withLock<T>(
  binding: DurableObjectNamespace,
  holder: string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = binding.get(binding.idFromName(LOCK_NAME)) as DurableObjectStub<SummaryLock>;
  const acquired = await lock.acquire(holder);
  if (!acquired.ok) throw new SummaryBusy(acquired);
  try {
    return await work();
  } finally {
    // A release that fails leaves the lease to expire: later runs wait at most LEASE_MS.
    await lock.release(acquired.token).catch((error: unknown) => {
      console.warn(JSON.stringify({ event: "summary-lock", error: String(error) }));
    });
  }
}
