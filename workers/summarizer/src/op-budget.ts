/**
 * Every KV call the run makes, counted where it is made: the run report's `kvOps` is a
 * measurement, not an estimate, so a change that adds calls shows up in the tests' exact counts.
 */

export interface OpCounter {
  ops: number;
  /**
   * Operations this invocation may make: the call past it throws instead of being made, so a
   * step fails cleanly (and is retried or reported) before Cloudflare's limit of 1,000 cuts it off.
   */
  limit?: number;
}

/** Below Cloudflare's 1,000 KV operations per invocation, with room for the lock's calls. */
export const MAX_KV_OPS = 900;

const KV_METHODS = new Set<PropertyKey>(["get", "getWithMetadata", "list", "put", "delete"]);

export function countingKV(kv: KVNamespace, counter: OpCounter): KVNamespace {
  return new Proxy(kv, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || !KV_METHODS.has(property)) return value;
      return (...args: unknown[]) => {
        if (counter.limit !== undefined && counter.ops >= counter.limit) {
          return Promise.reject(
            new Error(`this step has made its ${counter.limit} KV operations; it stops here`),
          );
        }
        counter.ops++;
        return value.apply(target, args);
      };
    },
  });
}
