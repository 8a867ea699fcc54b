/**
 * The few Workers globals the summarizer's code names, for the Node-side typecheck of the
 * benchmarks that run it in Node (bench/nightly-child.ts). Loose on purpose: the same code is
 * checked against the real @cloudflare/workers-types by tsconfig.json, which cannot be loaded
 * beside Node's types.
 */
interface KVNamespaceListOptions {
  prefix?: string | null;
  cursor?: string | null;
  limit?: number;
}
interface KVNamespace {
  list(options?: KVNamespaceListOptions): Promise<{
    keys: { name: string; metadata?: unknown; expiration?: number }[];
    list_complete: boolean;
    cursor?: string;
  }>;
  // biome-ignore lint/suspicious/noExplicitAny: the overloads live in the real types.
  get(key: any, type?: any): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  getWithMetadata(key: string, type?: any): Promise<any>;
  put(key: string, value: string | ArrayBuffer, options?: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}
interface Fetcher {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}
interface RateLimit {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}
interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: the stub's type lives in the real types.
  get(id: any): any;
}
interface Workflow {
  create(options?: { id?: string; params?: unknown }): Promise<unknown>;
  get(id: string): Promise<unknown>;
}
