/**
 * Workers KV for a Node benchmark of the summarizer: the calls the summarizer makes on its two
 * bindings, with the data kept in Buffers (outside V8's heap, as KV's data is outside a Worker's
 * memory) and decoded afresh on every call, as a real binding hands out new objects. Every call
 * is counted, the bytes of values read and written are summed, and the heap is sampled at each
 * call, so a run's peak heap and traffic can be reported next to its operations.
 */

export interface Traffic {
  ops: number;
  /** SUMMARY's values read and written; RAW's list pages apart. */
  bytesRead: number;
  bytesWritten: number;
  rawBytesRead: number;
  /** Largest `process.memoryUsage().heapUsed` seen at a KV call, bytes. */
  peakHeap: number;
  /** Called at every KV call, after it is counted (a benchmark's time cap). */
  onCall?: () => void;
}

export const newTraffic = (): Traffic => ({
  ops: 0,
  bytesRead: 0,
  bytesWritten: 0,
  rawBytesRead: 0,
  peakHeap: 0,
});

/** Counts a call and samples the heap. */
export function sample(traffic: Traffic): void {
  traffic.ops++;
  traffic.peakHeap = Math.max(traffic.peakHeap, process.memoryUsage().heapUsed);
  traffic.onCall?.();
}

/** Positions of the lines of a newline-separated Buffer, without copying it. */
export function* lines(buffer: Buffer): Generator<Buffer> {
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end < 0) end = buffer.length;
    if (end > start) yield buffer.subarray(start, end);
    start = end + 1;
  }
}

const LIST_PAGE = 1000;

/**
 * RAW: list pages only (every entry's facts are in its metadata, as ingest writes them). `pages`
 * holds each page as newline-separated JSON entries `{name, metadata, expiration}`.
 */
export function rawNamespace(pages: Buffer[], traffic: Traffic): KVNamespace {
  const list = async (options?: KVNamespaceListOptions) => {
    sample(traffic);
    const index = options?.cursor ? Number(options.cursor) : 0;
    const page = pages[index];
    const keys = page
      ? (JSON.parse(`[${page.toString().trimEnd().replaceAll("\n", ",")}]`) as unknown[])
      : [];
    traffic.rawBytesRead += page?.length ?? 0;
    const last = index + 1 >= pages.length;
    return last
      ? { keys, list_complete: true, cacheStatus: null }
      : { keys, list_complete: false, cursor: String(index + 1), cacheStatus: null };
  };
  const get = async () => {
    sample(traffic);
    return null;
  };
  return { list, get } as unknown as KVNamespace;
}

/** SUMMARY: names sorted, values as Buffers; lists, single and bulk reads, puts, deletes. */
export function summaryNamespace(data: Map<string, Buffer>, traffic: Traffic): KVNamespace {
  const read = (key: string): string | null => {
    const value = data.get(key);
    if (value === undefined) return null;
    traffic.bytesRead += value.length;
    return value.toString();
  };
  return {
    async list(options?: KVNamespaceListOptions) {
      sample(traffic);
      const prefix = options?.prefix ?? "";
      const names = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      const from = options?.cursor ? Number(options.cursor) : 0;
      const keys = names.slice(from, from + LIST_PAGE).map((name) => ({ name }));
      return from + LIST_PAGE >= names.length
        ? { keys, list_complete: true, cacheStatus: null }
        : { keys, list_complete: false, cursor: String(from + LIST_PAGE), cacheStatus: null };
    },
    async get(key: string | string[]) {
      sample(traffic);
      if (typeof key === "string") return read(key);
      if (key.length > 100) throw new Error("bulk read of more than 100 keys");
      return new Map(key.map((k) => [k, read(k)]));
    },
    async put(key: string, value: string) {
      sample(traffic);
      const bytes = Buffer.from(value);
      traffic.bytesWritten += bytes.length;
      data.set(key, bytes);
    },
    async delete(key: string) {
      sample(traffic);
      data.delete(key);
    },
  } as unknown as KVNamespace;
}
