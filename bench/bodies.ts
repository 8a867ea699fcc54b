/**
 * Check-in bodies of the benchmark population (bench/population.ts) in the three accepted forms,
 * and a template trick for sending many distinct systems cheaply: a body is encoded once with a
 * placeholder id, and each request gets a copy with a fresh id written over the placeholder
 * (ids all have 36 ASCII characters, so the protobuf length prefix stays right). Encoding a
 * message per request would spend the load generator's CPU, which the stack under test shares.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import type { Facts } from "@pulp-analytics/shared/checkin";
import { AnalyticsSchema } from "@pulp-analytics/shared/checkin";
import { installationFacts, systemId } from "./population";

export type Form = "protobuf" | "protojson" | "json-3.20";

export const JSON_TYPE = "application/json";

function protobufInit(id: string, facts: Facts) {
  return {
    systemId: id,
    components: facts.components,
    ...(facts.onlineWorkers ? { onlineWorkers: facts.onlineWorkers } : {}),
    ...(facts.onlineContentApps ? { onlineContentApps: facts.onlineContentApps } : {}),
    ...(facts.postgresqlVersion === null ? {} : { postgresqlVersion: facts.postgresqlVersion }),
    ...(facts.rbacStats ? { rbacStats: facts.rbacStats } : {}),
  };
}

/** The body of installation `i` in `form`, with its id (or `id` in its place). */
export function bodyOf(i: number, form: Form, id = systemId(i)): Uint8Array {
  const facts = installationFacts(i);
  if (form === "protobuf") {
    return toBinary(AnalyticsSchema, create(AnalyticsSchema, protobufInit(id, facts)));
  }
  const json =
    form === "protojson"
      ? protobufInit(id, facts)
      : {
          system_id: id,
          versions: facts.components.map((c) => ({ component: c.name, version: c.version })),
          online_workers: facts.onlineWorkers,
          online_content_apps: facts.onlineContentApps,
        };
  return new TextEncoder().encode(JSON.stringify(json));
}

export const contentTypeOf = (form: Form): string | undefined =>
  form === "protobuf" ? undefined : JSON_TYPE;

const PLACEHOLDER = "ffffffff-ffff-7fff-bfff-ffffffffffff";

export interface Template {
  bytes: Buffer;
  /** Where the 36 characters of the id start. */
  offset: number;
}

/** `count` templates (installations 0…count-1) of `form`, each with a placeholder id. */
export function templates(form: Form, count: number): Template[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = Buffer.from(bodyOf(i, form, PLACEHOLDER));
    const offset = bytes.indexOf(PLACEHOLDER, 0, "latin1");
    if (offset < 0) throw new Error("placeholder id not found");
    return { bytes, offset };
  });
}

/** A copy of the template with `id` in place of the placeholder. */
export function withId(template: Template, id: string): Buffer {
  const copy = Buffer.from(template.bytes);
  copy.write(id, template.offset, "latin1");
  return copy;
}

/** Distinct, valid UUIDv7-shaped ids: run `run`, number `n` (up to 2^48). */
export function distinctId(run: number, n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `0193b${run.toString(16).padStart(3, "0")}-0000-7000-8000-${hex}`;
}
