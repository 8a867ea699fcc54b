/**
 * A local stand-in for the part of Cloudflare's v4 API that this repository's remote commands
 * call through wrangler 4.86 (docs/operations.md, "Rehearsing the remote commands"), and only
 * that part: KV namespace creation, key lists, bulk writes, reads and deletes; worker uploads,
 * versions, deployments, settings, subdomain, schedules, routes and secrets; static-asset
 * upload sessions. wrangler reaches it through `CLOUDFLARE_API_BASE_URL`.
 *
 * It follows Cloudflare's published schema (github.com/cloudflare/api-schemas, openapi.json) for
 * paths, parameters, envelopes and limits, and refuses what Cloudflare refuses: a `limit` out of
 * 10..1000, more than 10,000 pairs or 100 MB in one bulk write, more than 10,000 keys in one bulk
 * delete, more than 100 keys in one bulk read, keys over 512 bytes, values over 25 MiB, metadata
 * over 1,024 bytes. Every request is logged; one it does not know is answered as Cloudflare
 * answers an unknown route (404, code 7003) and kept in `unknown`, so that a test can fail on it.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const ACCOUNT_ID = "9a7806061c88ada191ed06f989cc3dac";
export const API_TOKEN = "rehearsal-token-not-a-secret";
/** The account's zones: id → name (the routes in ingest's config are on pulpproject.org). */
const ZONES = new Map([["023e105f4ecef8ad9ca31a8372d0c353", "pulpproject.org"]]);

/** Cloudflare's limits (docs and schema: developers.cloudflare.com/kv/platform/limits). */
export const LIMITS = {
  keyBytes: 512,
  valueBytes: 25 * 1024 * 1024,
  metadataBytes: 1024,
  bulkWritePairs: 10_000,
  bulkWriteBytes: 100_000_000,
  bulkDeleteKeys: 10_000,
  bulkGetKeys: 100,
  listMin: 10,
  listMax: 1000,
} as const;

interface Logged {
  method: string;
  /** The path below the API base, without the query. */
  path: string;
  query: Record<string, string>;
  /** Bytes of the request body. */
  bytes: number;
  status: number;
}

interface Entry {
  value: Buffer;
  metadata?: unknown;
  expiration?: number;
}

export interface Namespace {
  id: string;
  title: string;
  entries: Map<string, Entry>;
}

interface Version {
  id: string;
  number: number;
  created_on: string;
  /** What the upload's metadata part said (bindings, compatibility date, main module…). */
  metadata: Record<string, unknown>;
  /** Module name → bytes. */
  modules: Map<string, Buffer>;
  annotations: Record<string, string>;
}

interface Deployment {
  id: string;
  created_on: string;
  source: string;
  strategy: "percentage";
  versions: { version_id: string; percentage: number }[];
  annotations: Record<string, string>;
}

interface Script {
  name: string;
  versions: Version[];
  deployments: Deployment[];
  secrets: Map<string, string>;
  schedules: { cron: string }[];
  subdomain: { enabled: boolean; previews_enabled: boolean };
  /** Asset path → hash, as last deployed. */
  assets: Map<string, string>;
  /** The tag of the last Durable Object migration applied (none before the first). */
  migrationTag?: string;
}

export interface StandIn {
  /** What to set as CLOUDFLARE_API_BASE_URL. */
  baseUrl: string;
  namespaces: Map<string, Namespace>;
  scripts: Map<string, Script>;
  /** Uploaded asset contents by hash. */
  assets: Map<string, Buffer>;
  /** Zone routes (`/zones/:zone/workers/routes`). */
  routes: { id: string; pattern: string; script: string; zone: string }[];
  /** Workflows by name (`PUT /accounts/:account/workflows/:name`): the script and class. */
  workflows: Map<string, { script_name: string; class_name: string }>;
  log: Logged[];
  /** Requests no route knew: a rehearsal fails on any. */
  unknown: Logged[];
  /** The namespace with this title, created if need be (the configs' ids when given). */
  namespace(id: string, title?: string): Namespace;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const envelope = (result: unknown, resultInfo?: Record<string, unknown>) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...(resultInfo ? { result_info: resultInfo } : {}),
});

/** Compares as Cloudflare lists keys: by their UTF-8 bytes. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function checkKey(key: string): void {
  if (key === "" || key === "." || key === "..")
    throw new ApiError(400, 10019, `invalid key name: '${key}'`);
  if (Buffer.byteLength(key) > LIMITS.keyBytes) {
    throw new ApiError(
      414,
      10033,
      `key name too long: ${Buffer.byteLength(key)} bytes, limit ${LIMITS.keyBytes}`,
    );
  }
}

function checkValue(value: Buffer, metadata: unknown): void {
  if (value.byteLength > LIMITS.valueBytes) {
    throw new ApiError(
      413,
      10011,
      `value too large: ${value.byteLength} bytes, limit ${LIMITS.valueBytes}`,
    );
  }
  if (
    metadata !== undefined &&
    Buffer.byteLength(JSON.stringify(metadata)) > LIMITS.metadataBytes
  ) {
    throw new ApiError(413, 10023, `metadata too large: limit ${LIMITS.metadataBytes} bytes`);
  }
}

function integerParam(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
  fallback: number,
) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiError(
      400,
      10001,
      `${name}: must be a whole number from ${min} to ${max}, not ${raw}`,
    );
  }
  return value;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError(400, 10001, "the request body is not JSON");
  }
}

/** The parts of a multipart/form-data body, by name, through undici's own parser. */
async function formParts(req: IncomingMessage, body: Buffer): Promise<Map<string, Blob[]>> {
  const form = await new Request("http://stand-in/", {
    method: "POST",
    headers: { "content-type": req.headers["content-type"] ?? "" },
    body: new Uint8Array(body),
  }).formData();
  const parts = new Map<string, Blob[]>();
  form.forEach((value, name) => {
    const blob = typeof value === "string" ? new Blob([value]) : value;
    parts.set(name, [...(parts.get(name) ?? []), blob]);
  });
  return parts;
}

type Handler = (
  match: RegExpMatchArray,
  ctx: { req: IncomingMessage; body: Buffer; query: URLSearchParams },
) => Promise<unknown> | unknown;

export async function startCloudflareApi(): Promise<StandIn> {
  const namespaces = new Map<string, Namespace>();
  const scripts = new Map<string, Script>();
  const assets = new Map<string, Buffer>();
  const log: Logged[] = [];
  const unknown: Logged[] = [];
  const zoneRoutes: { id: string; pattern: string; script: string; zone: string }[] = [];
  const workflows = new Map<string, { script_name: string; class_name: string }>();
  const uploadTokens = new Map<
    string,
    { script: string; manifest: Record<string, { hash: string }> }
  >();

  const namespace = (id: string, title = id): Namespace => {
    let ns = namespaces.get(id);
    if (!ns) {
      ns = { id, title, entries: new Map() };
      namespaces.set(id, ns);
    }
    return ns;
  };
  const existing = (id: string): Namespace => {
    const ns = namespaces.get(id);
    if (!ns) throw new ApiError(404, 10013, "namespace not found");
    return ns;
  };
  const script = (name: string, create = false): Script => {
    let s = scripts.get(name);
    if (!s && create) {
      s = {
        name,
        versions: [],
        deployments: [],
        secrets: new Map(),
        schedules: [],
        subdomain: { enabled: false, previews_enabled: false },
        assets: new Map(),
      };
      scripts.set(name, s);
    }
    if (!s) throw new ApiError(404, 10007, `This Worker does not exist on your account. (${name})`);
    return s;
  };

  const A = "/accounts/([^/]+)";
  const NS = `${A}/storage/kv/namespaces`;
  const SCRIPT = `${A}/workers/scripts/([^/]+)`;
  const routes: [method: string, pattern: RegExp, handler: Handler][] = [];
  const on = (method: string, path: string, handler: Handler) =>
    routes.push([method, new RegExp(`^${path}$`), handler]);

  // ---- KV namespaces
  on("POST", NS, (_m, { body }) => {
    const { title } = parseJson(body) as { title?: unknown };
    if (typeof title !== "string" || title === "")
      throw new ApiError(400, 10001, "title: required");
    if ([...namespaces.values()].some((ns) => ns.title === title)) {
      throw new ApiError(400, 10014, "a namespace with this account ID and title already exists");
    }
    const id = createHash("sha256").update(title).digest("hex").slice(0, 32);
    const ns = namespace(id, title);
    return { id: ns.id, title: ns.title, supports_url_encoding: true };
  });
  on("GET", `${NS}/([^/]+)/keys`, (m, { query }) => {
    const ns = existing(m[2] as string);
    const limit = integerParam(query, "limit", LIMITS.listMin, LIMITS.listMax, LIMITS.listMax);
    const prefix = query.get("prefix") ?? "";
    const cursor = query.get("cursor");
    let after = "";
    if (cursor) {
      after = Buffer.from(cursor, "base64url").toString("utf8");
      if (!after.startsWith("k:")) throw new ApiError(400, 10001, "cursor: invalid");
      after = after.slice(2);
    }
    const names = [...ns.entries.keys()]
      .filter((name) => name.startsWith(prefix) && (cursor ? byBytes(name, after) > 0 : true))
      .sort(byBytes);
    const page = names.slice(0, limit);
    const more = names.length > limit;
    return {
      page: page.map((name) => {
        const entry = ns.entries.get(name) as Entry;
        return {
          name,
          ...(entry.expiration ? { expiration: entry.expiration } : {}),
          ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
        };
      }),
      info: {
        count: page.length,
        cursor: more ? Buffer.from(`k:${page.at(-1)}`).toString("base64url") : "",
      },
    };
  });
  on("PUT", `${NS}/([^/]+)/bulk`, (m, { body }) => {
    const ns = existing(m[2] as string);
    if (body.byteLength > LIMITS.bulkWriteBytes) {
      throw new ApiError(
        413,
        10011,
        `request too large: ${body.byteLength} bytes, limit ${LIMITS.bulkWriteBytes}`,
      );
    }
    const pairs = parseJson(body);
    if (!Array.isArray(pairs)) throw new ApiError(400, 10001, "the body must be an array of pairs");
    if (pairs.length > LIMITS.bulkWritePairs) {
      throw new ApiError(
        400,
        10001,
        `at most ${LIMITS.bulkWritePairs} pairs in one write, not ${pairs.length}`,
      );
    }
    const writes: [string, Entry][] = [];
    for (const pair of pairs as Record<string, unknown>[]) {
      const { key, value, base64, metadata, expiration } = pair;
      if (typeof key !== "string" || typeof value !== "string") {
        throw new ApiError(400, 10001, "each pair needs a string key and a string value");
      }
      checkKey(key);
      const bytes = Buffer.from(value, base64 === true ? "base64" : "utf8");
      checkValue(bytes, metadata);
      writes.push([
        key,
        { value: bytes, metadata, ...(typeof expiration === "number" ? { expiration } : {}) },
      ]);
    }
    for (const [key, entry] of writes) ns.entries.set(key, entry);
    return { successful_key_count: writes.length, unsuccessful_keys: [] };
  });
  const bulkDelete: Handler = (m, { body }) => {
    const ns = existing(m[2] as string);
    const keys = parseJson(body);
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
      throw new ApiError(400, 10001, "the body must be an array of key names");
    }
    if (keys.length > LIMITS.bulkDeleteKeys) {
      throw new ApiError(
        400,
        10001,
        `at most ${LIMITS.bulkDeleteKeys} keys in one delete, not ${keys.length}`,
      );
    }
    for (const key of keys as string[]) ns.entries.delete(key);
    return { successful_key_count: keys.length, unsuccessful_keys: [] };
  };
  // What wrangler 4.86 calls (the schema's older form of POST …/bulk/delete, same body and limit).
  on("DELETE", `${NS}/([^/]+)/bulk`, bulkDelete);
  on("POST", `${NS}/([^/]+)/bulk/get`, (m, { body }) => {
    const ns = existing(m[2] as string);
    const request = parseJson(body) as { keys?: unknown; type?: unknown; withMetadata?: unknown };
    const keys = request.keys;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
      throw new ApiError(400, 10001, "keys: Expected array of strings");
    }
    if (keys.length > LIMITS.bulkGetKeys) {
      throw new ApiError(400, 10001, `keys: at most ${LIMITS.bulkGetKeys}, not ${keys.length}`);
    }
    const type = request.type ?? "text";
    if (type !== "text" && type !== "json") throw new ApiError(400, 10001, "type: text or json");
    const values: Record<string, unknown> = {};
    for (const key of keys as string[]) {
      const entry = ns.entries.get(key);
      const text = entry ? entry.value.toString("utf8") : null;
      const value = text !== null && type === "json" ? JSON.parse(text) : text;
      values[key] =
        request.withMetadata === true
          ? entry
            ? {
                value,
                metadata: entry.metadata ?? null,
                ...(entry.expiration ? { expiration: entry.expiration } : {}),
              }
            : null
          : value;
    }
    return { values };
  });

  // ---- Worker scripts
  const deploy = (
    s: Script,
    versions: Deployment["versions"],
    annotations: Record<string, string>,
    source: string,
  ) => {
    const total = versions.reduce((sum, v) => sum + v.percentage, 0);
    if (Math.abs(total - 100) > 1e-9)
      throw new ApiError(400, 10001, `percentages must add up to 100, not ${total}`);
    for (const v of versions) {
      if (!s.versions.some((known) => known.id === v.version_id)) {
        throw new ApiError(400, 10001, `version ${v.version_id} does not exist`);
      }
    }
    const deployment: Deployment = {
      id: randomUUID(),
      created_on: new Date().toISOString(),
      source,
      strategy: "percentage",
      versions,
      annotations,
    };
    s.deployments.unshift(deployment);
    return deployment;
  };
  /** A version from a multipart upload: a `metadata` part and one part per module. */
  const upload = async (s: Script, req: IncomingMessage, body: Buffer): Promise<Version> => {
    const parts = await formParts(req, body);
    const metaPart = parts.get("metadata")?.[0];
    if (!metaPart) throw new ApiError(400, 10021, "the upload has no metadata part");
    const metadata = JSON.parse(await metaPart.text()) as Record<string, unknown>;
    const modules = new Map<string, Buffer>();
    for (const [name, blobs] of parts) {
      if (name !== "metadata")
        modules.set(name, Buffer.from(await (blobs[0] as Blob).arrayBuffer()));
    }
    const main = metadata.main_module as string | undefined;
    if (main === undefined || !modules.has(main)) {
      throw new ApiError(400, 10021, "the main module is not among the uploaded parts");
    }
    const completion = metadata.assets as { jwt?: string } | undefined;
    if (completion?.jwt) {
      const session = uploadTokens.get(completion.jwt);
      if (!session) throw new ApiError(400, 10001, "assets: unknown completion token");
      s.assets = new Map(Object.entries(session.manifest).map(([path, { hash }]) => [path, hash]));
    }
    // A Durable Object migration applies on top of the script's current tag, and only once:
    // Cloudflare refuses an upload whose old_tag is not the current one.
    const migrations = metadata.migrations as { old_tag?: string; new_tag?: string } | undefined;
    if (migrations) {
      if ((migrations.old_tag ?? undefined) !== s.migrationTag) {
        throw new ApiError(400, 10079, "migration tag precondition failed");
      }
      if (typeof migrations.new_tag === "string") s.migrationTag = migrations.new_tag;
    }
    // Secrets are kept from version to version unless the upload says otherwise.
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    const version: Version = {
      id: randomUUID(),
      number: s.versions.length + 1,
      created_on: new Date().toISOString(),
      metadata,
      modules,
      annotations,
    };
    s.versions.unshift(version);
    return version;
  };
  const versionJson = (s: Script, v: Version) => ({
    id: v.id,
    number: v.number,
    metadata: {
      author_email: "rehearsal@example.invalid",
      created_on: v.created_on,
      modified_on: v.created_on,
      source: "wrangler",
      hasPreview: false,
    },
    annotations: v.annotations,
    resources: {
      bindings: [
        ...((v.metadata.bindings as unknown[]) ?? []),
        ...[...s.secrets.keys()].map((name) => ({ name, type: "secret_text" })),
      ],
      script: { etag: createHash("sha256").update(v.id).digest("hex"), handlers: ["fetch"] },
      script_runtime: { compatibility_date: v.metadata.compatibility_date },
    },
  });

  on("PUT", SCRIPT, async (m, { req, body }) => {
    const s = script(decodeURIComponent(m[2] as string), true);
    const version = await upload(s, req, body);
    const deployment = deploy(s, [{ version_id: version.id, percentage: 100 }], {}, "wrangler");
    return {
      id: s.name,
      etag: createHash("sha256").update(version.id).digest("hex"),
      handlers: ["fetch"],
      deployment_id: deployment.id,
      startup_time_ms: 1,
      modified_on: version.created_on,
      created_on: version.created_on,
    };
  });
  const scriptJson = (s: Script) => ({
    id: s.name,
    tag: createHash("sha256").update(s.name).digest("hex").slice(0, 32),
    tags: [],
    etag: createHash("sha256")
      .update(s.versions[0]?.id ?? "")
      .digest("hex"),
    handlers: ["fetch"],
    last_deployed_from: "wrangler",
    created_on: s.versions.at(-1)?.created_on,
    modified_on: s.versions[0]?.created_on,
  });
  // Every script of the account: wrangler reads a script's Durable Object migration tag here
  // before it uploads migrations.
  on("GET", `${A}/workers/scripts`, () =>
    [...scripts.values()].map((s) => ({
      ...scriptJson(s),
      ...(s.migrationTag !== undefined ? { migration_tag: s.migrationTag } : {}),
    })),
  );
  on("GET", `${A}/workers/services/([^/]+)`, (m) => {
    const s = script(decodeURIComponent(m[2] as string));
    const script_ = scriptJson(s);
    return {
      id: s.name,
      default_environment: {
        environment: "production",
        script: script_,
        created_on: script_.created_on,
        modified_on: script_.modified_on,
      },
      created_on: script_.created_on,
      modified_on: script_.modified_on,
    };
  });
  on("GET", `${SCRIPT}/settings`, (m) => {
    const s = script(decodeURIComponent(m[2] as string));
    const latest = s.versions[0];
    return {
      bindings: [
        ...((latest?.metadata.bindings as unknown[]) ?? []),
        ...[...s.secrets.keys()].map((name) => ({ name, type: "secret_text" })),
      ],
      compatibility_date: latest?.metadata.compatibility_date,
      compatibility_flags: latest?.metadata.compatibility_flags ?? [],
      observability: latest?.metadata.observability,
    };
  });
  on("PATCH", `${SCRIPT}/script-settings`, (m, { body }) => {
    script(decodeURIComponent(m[2] as string));
    return parseJson(body);
  });
  on("GET", `${SCRIPT}/subdomain`, (m) => script(decodeURIComponent(m[2] as string)).subdomain);
  on("POST", `${SCRIPT}/subdomain`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const wanted = parseJson(body) as { enabled?: boolean; previews_enabled?: boolean };
    s.subdomain = {
      enabled: wanted.enabled ?? s.subdomain.enabled,
      previews_enabled: wanted.previews_enabled ?? wanted.enabled ?? s.subdomain.previews_enabled,
    };
    return s.subdomain;
  });
  on("PUT", `${SCRIPT}/schedules`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    s.schedules = (parseJson(body) as { cron: string }[]).map(({ cron }) => ({ cron }));
    return { schedules: s.schedules };
  });
  on("GET", `${SCRIPT}/versions`, (m, { query }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const perPage = integerParam(query, "per_page", 1, 100, 10);
    const page = integerParam(query, "page", 1, Number.MAX_SAFE_INTEGER, 1);
    const items = s.versions
      .slice((page - 1) * perPage, page * perPage)
      .map((v) => versionJson(s, v));
    return {
      page: { items },
      info: { page, per_page: perPage, count: items.length, total_count: s.versions.length },
    };
  });
  on("GET", `${SCRIPT}/versions/([^/]+)`, (m) => {
    const s = script(decodeURIComponent(m[2] as string));
    const v = s.versions.find((known) => known.id === m[3]);
    if (!v) throw new ApiError(404, 10007, "version not found");
    return versionJson(s, v);
  });
  on("POST", `${SCRIPT}/versions`, async (m, { req, body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const v = await upload(s, req, body);
    return { ...versionJson(s, v), startup_time_ms: 1 };
  });
  on("GET", `${SCRIPT}/deployments`, (m) => ({
    deployments: script(decodeURIComponent(m[2] as string)).deployments,
  }));
  on("POST", `${SCRIPT}/deployments`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const wanted = parseJson(body) as {
      strategy?: string;
      versions?: { version_id: string; percentage: number }[];
      annotations?: Record<string, string>;
    };
    if (wanted.strategy !== "percentage" || !Array.isArray(wanted.versions)) {
      throw new ApiError(400, 10001, "strategy must be percentage, with versions");
    }
    return deploy(s, wanted.versions, wanted.annotations ?? {}, "api");
  });
  on("PUT", `${SCRIPT}/secrets`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const secret = parseJson(body) as { name?: unknown; text?: unknown; type?: unknown };
    if (
      typeof secret.name !== "string" ||
      typeof secret.text !== "string" ||
      secret.type !== "secret_text"
    ) {
      throw new ApiError(400, 10001, "a secret needs a name, a text and the type secret_text");
    }
    s.secrets.set(secret.name, secret.text);
    return { name: secret.name, type: "secret_text" };
  });

  // ---- Static assets (the site's): an upload session, buckets of files, a completion token
  on("POST", `${SCRIPT}/assets-upload-session`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string), true);
    const { manifest } = parseJson(body) as {
      manifest: Record<string, { hash: string; size: number }>;
    };
    const missing = [...new Set(Object.values(manifest).map((file) => file.hash))].filter(
      (hash) => !assets.has(hash),
    );
    const jwt = randomUUID();
    uploadTokens.set(jwt, { script: s.name, manifest });
    if (missing.length === 0) return { jwt, buckets: [] };
    const upload = randomUUID();
    uploadTokens.set(upload, { script: s.name, manifest });
    return { jwt: upload, buckets: [missing] };
  });
  on("POST", `${A}/workers/assets/upload`, async (_m, { req, body, query }) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const session = uploadTokens.get(token);
    if (!session) throw new ApiError(401, 10000, "assets upload: unknown upload token");
    const parts = await formParts(req, body);
    for (const [hash, blobs] of parts) {
      const blob = blobs[0] as Blob;
      const raw = Buffer.from(await blob.arrayBuffer());
      assets.set(
        hash,
        query.get("base64") === "true" ? Buffer.from(raw.toString(), "base64") : raw,
      );
    }
    const completion = randomUUID();
    uploadTokens.set(completion, session);
    return { jwt: completion };
  });

  // ---- Workflows: `wrangler deploy` creates or updates each one its config defines, naming the
  // script (already uploaded) and the class that runs it.
  on("PUT", `${A}/workflows/([^/]+)`, (m, { body }) => {
    const name = decodeURIComponent(m[2] as string);
    const wanted = parseJson(body) as { script_name?: unknown; class_name?: unknown };
    if (typeof wanted.script_name !== "string" || typeof wanted.class_name !== "string") {
      throw new ApiError(400, 10001, "a workflow needs a script_name and a class_name");
    }
    script(wanted.script_name);
    const now = new Date().toISOString();
    workflows.set(name, { script_name: wanted.script_name, class_name: wanted.class_name });
    return { id: randomUUID(), name, ...workflows.get(name), created_on: now, modified_on: now };
  });

  // ---- Routes and zones: `wrangler deploy` and `triggers deploy` read the zone's routes, then
  // put the script's whole (PUT replaces them), by zone name.
  on("PUT", `${SCRIPT}/routes`, (m, { body }) => {
    const s = script(decodeURIComponent(m[2] as string));
    const wanted = parseJson(body) as { pattern?: unknown; zone_name?: unknown }[];
    if (!Array.isArray(wanted))
      throw new ApiError(400, 10001, "the body must be an array of routes");
    const placed = wanted.map(({ pattern, zone_name }) => {
      const zone = [...ZONES].find(([, name]) => name === zone_name)?.[0];
      if (typeof pattern !== "string" || zone === undefined) {
        throw new ApiError(
          400,
          10001,
          `route ${String(pattern)}: no zone ${String(zone_name)} here`,
        );
      }
      const taken = zoneRoutes.find((r) => r.pattern === pattern && r.script !== s.name);
      if (taken) throw new ApiError(409, 10020, `${pattern} is already routed to ${taken.script}`);
      return { id: randomUUID().replaceAll("-", ""), pattern, script: s.name, zone };
    });
    for (let i = zoneRoutes.length - 1; i >= 0; i--) {
      if (zoneRoutes[i]?.script === s.name) zoneRoutes.splice(i, 1);
    }
    zoneRoutes.push(...placed);
    return placed.map(({ zone: _z, ...r }) => r);
  });
  on("GET", "/zones/([^/]+)/workers/routes", (m) =>
    zoneRoutes.filter((r) => r.zone === m[1]).map(({ zone: _z, ...r }) => r),
  );
  on("GET", "/zones", (_m, { query }) => {
    const name = query.get("name");
    const zones = [...ZONES]
      .filter(([, zone]) => zone === name)
      .map(([id, zone]) => ({ id, name: zone }));
    return {
      page: zones,
      info: { page: 1, per_page: 20, count: zones.length, total_count: zones.length },
    };
  });

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://stand-in");
    const path = url.pathname.replace(/^\/client\/v4/, "");
    const entry: Logged = {
      method: req.method ?? "",
      path,
      query: Object.fromEntries(url.searchParams),
      bytes: body.byteLength,
      status: 0,
    };
    log.push(entry);
    const send = (status: number, payload: unknown) => {
      entry.status = status;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const isAssetUpload = path === `/accounts/${ACCOUNT_ID}/workers/assets/upload`;
    if (!isAssetUpload && req.headers.authorization !== `Bearer ${API_TOKEN}`) {
      send(403, {
        success: false,
        errors: [{ code: 10000, message: "Authentication error" }],
        messages: [],
        result: null,
      });
      return;
    }
    for (const [method, pattern, handler] of routes) {
      const match = method === req.method ? path.match(pattern) : null;
      if (!match) continue;
      if (match[1] !== undefined && path.startsWith("/accounts/") && match[1] !== ACCOUNT_ID) {
        send(403, {
          success: false,
          errors: [{ code: 10000, message: "Authentication error" }],
          messages: [],
          result: null,
        });
        return;
      }
      try {
        const result = await handler(match, { req, body, query: url.searchParams });
        if (result && typeof result === "object" && "page" in result && "info" in result) {
          const { page, info } = result as { page: unknown; info: Record<string, unknown> };
          send(200, envelope(page, info));
        } else send(200, envelope(result));
      } catch (error) {
        const apiError =
          error instanceof ApiError ? error : new ApiError(500, 10002, String(error));
        send(apiError.status, {
          success: false,
          errors: [{ code: apiError.code, message: apiError.message }],
          messages: [],
          result: null,
        });
      }
      return;
    }
    unknown.push(entry);
    send(404, {
      success: false,
      errors: [
        {
          code: 7003,
          message: `Could not route to ${path}, perhaps your object identifier is invalid?`,
        },
      ],
      messages: [],
      result: null,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    baseUrl: `http://127.0.0.1:${address.port}/client/v4`,
    namespaces,
    scripts,
    assets,
    routes: zoneRoutes,
    workflows,
    log,
    unknown,
    namespace,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
