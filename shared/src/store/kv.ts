/** The KV surface the store works on, and its adapter for a Workers KV binding. */

/** The KV surface the store needs: the summarizer adapts its binding, the importer wrangler. */
export interface SummaryKV {
  /** Every key name with the prefix (all when none), following cursors to the end. */
  list(prefix?: string): Promise<string[]>;
  /** The values of those of `keys` that exist; the adapter batches (a hundred to a bulk read). */
  getMany(keys: string[]): Promise<Map<string, string>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Keys per bulk read: Cloudflare's maximum, and one operation. */
const BULK_GET_KEYS = 100;

/**
 * The calls of a Workers KV binding the store makes, named here so that this file needs no
 * Workers types (it also runs in Node: tests, importer, benchmarks).
 */
export interface KVBinding {
  list(options: {
    prefix?: string;
    cursor?: string | null;
  }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
  get(keys: string[], type: "text"): Promise<Map<string, string | null>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The read side of a KV binding: listing by prefix to the end, and bulk reads of a hundred. */
export function summaryReader(
  kv: Pick<KVBinding, "list" | "get">,
): Pick<SummaryKV, "list" | "getMany"> {
  return {
    async list(prefix) {
      const names: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kv.list({ prefix, cursor });
        for (const key of page.keys) names.push(key.name);
        // A page may be empty and still not the last: only list_complete ends the listing.
        if (page.list_complete) return names;
        cursor = page.cursor;
      }
    },
    async getMany(keys) {
      const texts = new Map<string, string>();
      for (let i = 0; i < keys.length; i += BULK_GET_KEYS) {
        const values = await kv.get(keys.slice(i, i + BULK_GET_KEYS), "text");
        for (const [key, text] of values) if (text !== null) texts.set(key, text);
      }
      return texts;
    },
  };
}

/** A KV binding as the store uses it: listing, bulk reads, writes. */
export function summaryStore(kv: KVBinding): SummaryKV {
  return {
    ...summaryReader(kv),
    put: (key, value) => kv.put(key, value),
    delete: (key) => kv.delete(key),
  };
}
