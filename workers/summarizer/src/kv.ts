/**
 * Every KV call the run makes, counted where it is made: the run report's `kvOps` is a
 * measurement, not an estimate, so a change that adds calls shows up in the tests' exact counts.
 */

export interface OpCounter {
  ops: number;
}

const KV_METHODS = new Set<PropertyKey>(["get", "getWithMetadata", "list", "put", "delete"]);

export function countingKV(kv: KVNamespace, counter: OpCounter): KVNamespace {
  return new Proxy(kv, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || !KV_METHODS.has(property)) return value;
      return (...args: unknown[]) => {
        counter.ops++;
        return value.apply(target, args);
      };
    },
  });
}
