/**
 * RAW of any size for a Node benchmark, generated as it is listed: 10,000,000 stored entries
 * would not fit, so `list()` hands out pages made from a pool of page templates. Each template is
 * 1,000 entries' JSON as ingest writes them (`fixtures/src/population.ts` installations, their
 * metadata from `encodeMeta` with the days they checked in on), kept in a Buffer outside V8's
 * heap as KV's data is outside a Worker's; every call decodes and `JSON.parse`s one afresh and
 * sets the entries' names (`systemId` of their position), as a real binding deserializes every
 * page. Calls are counted and the heap sampled as bench/kv-namespace.ts does.
 */
import { recordOf, systemId } from "@pulp-analytics/fixtures/population";
import { DAY_MS, RAW_TTL_SECONDS, startOfUtcDay } from "@pulp-analytics/shared/config";
import { checkInDays, encodeMeta, type RawMeta } from "@pulp-analytics/shared/raw";
import { sample, type Traffic } from "./kv-namespace";

/** Which of the `days` days before the day installation `i` checked in on: nine in ten. */
export const earlierDays = (i: number, days: number): number[] =>
  Array.from({ length: days }, (_, k) => k + 1).filter((k) => (i * 7 + k * 13) % 10 !== 0);

const PAGE = 1000;
/** Distinct pages: enough that no page's facts dominate a day, few enough to build in a second. */
const TEMPLATES = 64;

interface Entry {
  name: string;
  metadata: unknown;
  expiration: number;
}

/**
 * Installation `i`'s movement on `day`: each component on its x.y for 0 to 899 days, one in
 * twenty of them upgraded from 3.0 that day (so every movement series has points).
 */
function movementOf(i: number, day: number, names: readonly string[]) {
  const today = Math.floor(day / DAY_MS);
  return new Map(
    names.map((name, k) => {
      const back = (i * 31 + k * 17) % 900;
      return [
        name,
        { since: today - back, sinceKnown: true, previous: i % 20 === 0 ? "3.0" : undefined },
      ];
    }),
  );
}

/**
 * What the summarizer of commit 8724dc5 (the one-pass baseline) reads: metadata version 1, `d` as
 * an array of days before the last check-in's, components as `[name, version]`, no movement.
 */
export function asVersion1(meta: RawMeta): unknown {
  const last = startOfUtcDay(meta.l);
  const days = checkInDays(meta)
    .map((d) => Math.round((last - d) / DAY_MS))
    .sort((a, b) => a - b);
  const { d: _mask, c, ...rest } = meta;
  return {
    ...rest,
    v: 1,
    ...(days.length > 1 ? { d: days } : {}),
    ...(c ? { c: c.map(([name, version]) => [name, version]) } : {}),
  };
}

/**
 * A RAW of `entries` installations that checked in on `day` and on nine in ten of the
 * `earlier` days before it, each with its components' movement; or, as `version` 1, what the
 * one-pass baseline can read. Lists only (every entry's facts are in its metadata).
 */
export function generatedRaw(
  entries: number,
  day: number,
  earlier: number,
  traffic: Traffic,
  version: 1 | 2 = 2,
): KVNamespace {
  const templates = Array.from({ length: TEMPLATES }, (_, page) =>
    Buffer.from(
      JSON.stringify(
        Array.from({ length: PAGE }, (_, j): Entry => {
          const i = page * PAGE + j;
          const record = recordOf(i, day);
          const names = record.facts.components.map((c) => c.name);
          const meta = encodeMeta(
            record.facts,
            { ...record, earlierDays: earlierDays(i, earlier) },
            "p",
            movementOf(i, day, names),
          );
          return {
            name: "",
            metadata: version === 1 ? asVersion1(meta) : meta,
            expiration: Math.floor(record.lastCheckIn / 1000) + RAW_TTL_SECONDS,
          };
        }),
      ),
    ),
  );
  const list = async (options?: KVNamespaceListOptions) => {
    sample(traffic);
    const from = options?.cursor ? Number(options.cursor) : 0;
    const limit = Math.min(options?.limit ?? PAGE, PAGE);
    const template = templates[Math.floor(from / PAGE) % TEMPLATES] as Buffer;
    traffic.rawBytesRead += template.length;
    const parsed = JSON.parse(template.toString()) as Entry[];
    const offset = from % PAGE;
    const keys = parsed.slice(offset, Math.min(offset + limit, PAGE, offset + entries - from));
    keys.forEach((entry, j) => {
      entry.name = systemId(from + j);
    });
    const next = from + keys.length;
    return next >= entries
      ? { keys, list_complete: true, cacheStatus: null }
      : { keys, list_complete: false, cursor: String(next), cacheStatus: null };
  };
  const get = async () => {
    sample(traffic);
    return null;
  };
  return { list, get } as unknown as KVNamespace;
}
