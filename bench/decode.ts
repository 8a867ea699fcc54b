/**
 * Decode + validate in isolation (Node): `decodeCheckIn` per body form, each next to the bare
 * parse of the same bytes (`fromBinary`, or `JSON.parse` of the decoded text) measured in the
 * same run, so the ratio says what the normalisation and the zod validation add.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { populationBody } from "@pulp-analytics/fixtures/population";
import type { BodyFormat } from "@pulp-analytics/shared/checkin";
import { AnalyticsSchema, decodeCheckIn } from "@pulp-analytics/shared/checkin";

const BODIES = 2_000;
const ROUNDS = 7;

/** Microseconds per body for `fn` over all bodies: the median of several rounds. */
function perBody(bodies: Uint8Array[], fn: (body: Uint8Array) => unknown): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (const body of bodies) fn(body);
    times.push(((performance.now() - started) * 1000) / bodies.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(ROUNDS / 2)] as number;
}

const text = new TextDecoder();

export function benchDecode(): string {
  const rows: string[] = [];
  for (const form of ["protobuf", "protojson", "json-3.20"] as BodyFormat[]) {
    const encoded = Array.from({ length: BODIES }, (_, i) => populationBody(i, form));
    const bodies = encoded.map((e) => e.body);
    const type = encoded[0]?.contentType ?? null;
    for (const body of bodies) {
      // A benchmark of rejections would measure the wrong thing.
      if (!decodeCheckIn(body, type).ok) throw new Error(`${form} body rejected`);
    }
    const baseline =
      form === "protobuf"
        ? (body: Uint8Array) => fromBinary(AnalyticsSchema, body)
        : (body: Uint8Array) => JSON.parse(text.decode(body));
    // Warm both up once before the measured rounds, so the JIT treats them alike.
    perBody(bodies, baseline);
    perBody(bodies, (body) => decodeCheckIn(body, type));
    const base = perBody(bodies, baseline);
    const ours = perBody(bodies, (body) => decodeCheckIn(body, type));
    const mean = bodies.reduce((n, b) => n + b.byteLength, 0) / bodies.length;
    rows.push(
      `| ${form} | ${mean.toFixed(0)} | ${form === "protobuf" ? "`fromBinary`" : "`JSON.parse`"} ${base.toFixed(1)} µs | ${ours.toFixed(1)} µs | **${(ours / base).toFixed(1)}×** |`,
    );
  }
  return [
    `${BODIES.toLocaleString("en")} distinct bodies per form, median of ${ROUNDS} rounds.`,
    "",
    "| form | mean bytes | bare parse per body | `decodeCheckIn` per body | ratio |",
    "|---|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
