/**
 * SUMMARY in memory, behind the store's interface (store.ts): for the pure store's unit tests,
 * the importer's dry runs and the benchmarks, which measure the store without KV's latency. The
 * workers' own tests use real local KV in workerd.
 */
import type { SummaryKV } from "./store";

export interface MemoryKV extends SummaryKV {
  readonly data: Map<string, string>;
  /** Calls by kind, as KV would count them (a bulk read of up to a hundred keys is one). */
  readonly ops: { list: number; get: number; put: number; delete: number };
  /** Bytes of the values read and written. */
  readonly bytes: { read: number; written: number };
}

export function memoryKV(initial?: Iterable<[string, string]>): MemoryKV {
  const data = new Map(initial);
  const ops = { list: 0, get: 0, put: 0, delete: 0 };
  const bytes = { read: 0, written: 0 };
  return {
    data,
    ops,
    bytes,
    async list(prefix = "") {
      const names = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      ops.list += Math.max(1, Math.ceil(names.length / 1000));
      return names;
    },
    async getMany(keys) {
      ops.get += Math.ceil(keys.length / 100);
      const out = new Map<string, string>();
      for (const key of keys) {
        const value = data.get(key);
        if (value === undefined) continue;
        out.set(key, value);
        bytes.read += value.length;
      }
      return out;
    },
    async put(key, value) {
      ops.put++;
      bytes.written += value.length;
      data.set(key, value);
    },
    async delete(key) {
      ops.delete++;
      data.delete(key);
    },
  };
}
