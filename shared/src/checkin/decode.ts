/**
 * From request body to normalised check-in. Three body forms (docs/contract.md#2-ingest-of-check-ins) arrive here; each is
 * turned into the same candidate record and then validated by {@link CheckInSchema}.
 */
import {
  type DescMessage,
  fromBinary,
  fromJson,
  isFieldSet,
  type JsonValue,
} from "@bufbuild/protobuf";
import { isFieldError } from "@bufbuild/protobuf/reflect";
import type { z } from "zod";
import { z as zod } from "zod";
import { fail, type Issue, ok, type Problem, type Result } from "../config/errors";
import { type Analytics, AnalyticsSchema } from "./gen/analytics_pb";
import { type CheckIn, CheckInSchema } from "./schema";
import { withoutMisfitFields } from "./wire";

export type BodyFormat = "protobuf" | "json-3.20" | "protojson";

export interface Decoded {
  checkIn: CheckIn;
  format: BodyFormat;
}

/** JSON bodies are those labelled JSON; everything else is read as protobuf (aiohttp sends none). */
function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

export function decodeCheckIn(body: Uint8Array, contentType: string | null): Result<Decoded> {
  if (body.byteLength === 0) return fail(badRequest("the request body is empty"));
  return isJsonContentType(contentType) ? decodeJson(body) : decodeProtobuf(body);
}

function decodeProtobuf(body: Uint8Array): Result<Decoded> {
  let message: Analytics;
  try {
    // Unknown fields come from newer pulpcore releases: skip them, keep nothing of them. A known
    // field sent with the wrong wire type is one of them, as in Google's runtimes.
    const known = withoutMisfitFields(AnalyticsSchema, body);
    message = fromBinary(AnalyticsSchema, known, { readUnknownFields: false });
  } catch (error) {
    return fail(badRequest("the body is not a valid protobuf Analytics message", reason(error)));
  }
  return validate(fromMessage(message), "protobuf");
}

function decodeJson(body: Uint8Array): Result<Decoded> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch (error) {
    return fail(badRequest("the body is not valid UTF-8 JSON", reason(error)));
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return fail(badRequest("the JSON body must be an object"));
  }
  // The pulpcore 3.20 shape is the only one with "versions"; anything else is read as the
  // protobuf JSON mapping, which also accepts the original snake_case field names.
  if ("versions" in json) return decodeLegacyJson(json);
  let message: Analytics;
  try {
    message = fromJson(AnalyticsSchema, json as JsonValue, { ignoreUnknownFields: true });
  } catch (error) {
    const problem = badRequest("the JSON body is not a valid Analytics message");
    return fail({ ...problem, issues: [{ path: jsonFieldPath(error), message: reason(error) }] });
  }
  return validate(fromMessage(message), "protojson");
}

/** Where a protobuf JSON mapping error is, as a path of JSON names (list indexes unknown). */
function jsonFieldPath(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!isFieldError(cause)) return "";
  const field = cause.field();
  if (field.kind !== "field") return field.name;
  if (field.parent === AnalyticsSchema) return field.jsonName;
  const holder = AnalyticsSchema.fields.find(
    (f) => (f as { message?: DescMessage }).message === field.parent,
  );
  return holder ? `${holder.jsonName}.${field.jsonName}` : field.jsonName;
}

function fromMessage(message: Analytics): unknown {
  const counts = (c: { processes: number; hosts: number } | undefined) =>
    c ? { processes: c.processes, hosts: c.hosts } : null;
  const rbac = message.rbacStats;
  return {
    systemId: message.systemId,
    components: message.components.map((c) => ({ name: c.name, version: c.version })),
    onlineWorkers: counts(message.onlineWorkers),
    onlineContentApps: counts(message.onlineContentApps),
    postgresqlVersion: isFieldSet(message, AnalyticsSchema.field.postgresqlVersion)
      ? message.postgresqlVersion
      : null,
    rbacStats: rbac
      ? {
          users: rbac.users,
          groups: rbac.groups,
          domains: rbac.domains,
          customAccessPolicies: rbac.customAccessPolicies,
          customRoles: rbac.customRoles,
        }
      : null,
  };
}

// pulpcore 3.20 posted this with aiohttp's `json=`; only dev installs ever sent it.
const LegacyCounts = zod.object({ processes: zod.unknown(), hosts: zod.unknown() });
const LegacyJsonSchema = zod.object({
  system_id: zod.unknown(),
  versions: zod.array(zod.object({ component: zod.unknown(), version: zod.unknown() })),
  online_workers: LegacyCounts.nullish(),
  online_content_apps: LegacyCounts.nullish(),
});

function decodeLegacyJson(json: object): Result<Decoded> {
  const parsed = LegacyJsonSchema.safeParse(json);
  if (!parsed.success) {
    return fail({
      ...badRequest("the JSON body is not a valid check-in"),
      issues: toIssues(parsed.error),
    });
  }
  const legacy = parsed.data;
  return validate(
    {
      systemId: legacy.system_id,
      components: legacy.versions.map((v) => ({ name: v.component, version: v.version })),
      onlineWorkers: legacy.online_workers ?? null,
      onlineContentApps: legacy.online_content_apps ?? null,
      postgresqlVersion: null,
      rbacStats: null,
    },
    "json-3.20",
  );
}

function validate(candidate: unknown, format: BodyFormat): Result<Decoded> {
  const parsed = CheckInSchema.safeParse(candidate);
  if (!parsed.success) {
    return fail({ ...badRequest("the check-in is not valid"), issues: toIssues(parsed.error) });
  }
  return ok({ checkIn: parsed.data, format });
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

function badRequest(error: string, detail?: string): Problem {
  return { status: 400, error, issues: detail ? [{ path: "", message: detail }] : [] };
}

/** A short, safe description of a decoder error (never echoes more than a line of input). */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
