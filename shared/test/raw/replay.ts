/**
 * Check-ins replayed through `planWrite` as ingest stores them (the metadata as KV hands it back,
 * JSON round-tripped): the raw tests' one way to build an entry's history.
 */
import type { CheckIn } from "../../src/checkin/schema";
import { parseMeta, type RawMeta } from "../../src/raw/metadata";
import { planWrite, type Stored } from "../../src/raw/record";

/** Each `[now, checkIn]` in turn, from `start`; the parsed metadata after each. */
export function replay(
  steps: readonly (readonly [number, CheckIn])[],
  published: ReadonlySet<string>,
  start: Stored | null = null,
): RawMeta[] {
  let current = start;
  const after: RawMeta[] = [];
  for (const [now, checkIn] of steps) {
    const plan = planWrite(current, { checkIn, now, published });
    if (plan.write) {
      current = {
        metadata: JSON.parse(JSON.stringify(plan.meta)),
        value: plan.value.slice().buffer,
      };
    }
    const meta = parseMeta(current?.metadata);
    if (!meta) throw new Error("no metadata");
    after.push(meta);
  }
  return after;
}
