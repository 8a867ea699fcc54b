/**
 * `npm run test:load`: load and abuse tests through the local stack, too slow for
 * `npm test`'s workerd tests and needing the real front door.
 *
 * 1. Load: 20,000 check-ins from distinct systems (all three body forms) at concurrency 64:
 *    every one answered 200, and the summary afterwards counts exactly 20,000 systems.
 * 2. Flood: 1,000 identical check-ins from one system at concurrency 64: all 200, and the
 *    summary counts that system once.
 * 3. Fuzz: 10,000 seeded random bodies (random bytes, mutated valid protobufs, random and
 *    mutated JSON, random content types): no 5xx, and the summary counts exactly the systems
 *    whose bodies were accepted, so nothing rejected reached RAW.
 *
 * 4. Hang-ups: a client that announces a body and hangs up mid-upload, one that
 *    gives up during a slow chunked upload, and a 5 MB chunked POST: the stack answers every
 *    request afterwards (wrangler dev alone exits on each of these; scripts/lib/front.ts).
 * 5. Invented versions, on a stack of its own: after a day of real history, 1,000
 *    check-ins from one address, each a new system with a new core version `1000.0.0`…
 *    `1999.0.0`, beside a real new plugin release: the run stays far inside its KV budget, the
 *    real new series is published by that first run, at most 20 invented series a group enter,
 *    and `_page` stays small.
 *
 * Prints one line per check and `N passed, M failed`; exits 1 if any failed. Bodies that got a
 * 5xx are written to a folder named in the output, to be replayed with curl --data-binary.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distinctId, withId } from "@pulp-analytics/fixtures/bodies";
import { populationTemplates } from "@pulp-analytics/fixtures/population";
import { random } from "@pulp-analytics/fixtures/random";
import type { BodyFormat } from "@pulp-analytics/shared/checkin";
import { decodeCheckIn } from "@pulp-analytics/shared/checkin";
import {
  HEADER,
  isoDay,
  MAX_BODY_BYTES,
  MAX_NEW_SERIES_PER_GROUP,
} from "@pulp-analytics/shared/config";
import autocannon from "autocannon";
import fc from "fast-check";
import { useScratchDir } from "../lib/scratch";
import { send, startStack } from "../lib/stack";

const CHECK_INS = 20_000;
const FLOOD = 1_000;
const FUZZ = 10_000;
const CONCURRENCY = 64;
const SEED = 20_261_120;
const FORMS: BodyFormat[] = ["protobuf", "protojson", "json-3.20"];
const JSON_TYPE = "application/json";

const started = performance.now();
// One check-in time for the whole run, so a run that crosses midnight still summarizes one day.
const now = new Date();
const time = now.toISOString();
const day = isoDay(now.getTime());

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`);
}

interface Report {
  systems: number;
  skipped: number;
}

async function summarize(origin: string): Promise<Report> {
  const res = await send(`${origin}/?day=${day}`, { method: "PUT" });
  if (res.status !== 200) throw new Error(`PUT /?day=${day}: ${res.status} ${await res.text()}`);
  const report = (await res.json()) as Report;
  // Contract §4: on the local stack a GET right after a run shows it (no edge cache in dev).
  const series = (await (await fetch(`${origin}/api/v1/series/systems__total`)).json()) as Array<
    [number, number]
  >;
  const shown = series.find(([at]) => isoDay(at) === day)?.[1];
  check(
    "fresh: GET /api/v1/series/systems__total right after PUT / shows the run's count",
    shown === report.systems,
    `report ${report.systems}, series ${shown}`,
  );
  return report;
}

const statusCounts = (stats: Record<string, { count: number }>) =>
  Object.entries(stats)
    .map(([status, { count }]) => `${count}× ${status}`)
    .join(", ");

async function load(origin: string): Promise<Set<string>> {
  const pools = FORMS.map((form) => populationTemplates(form, 1_000));
  const ids = new Set<string>();
  let n = 0;
  const result = await autocannon({
    url: origin,
    connections: CONCURRENCY,
    amount: CHECK_INS,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/",
        setupRequest: (request) => {
          const i = n++;
          const pool = pools[i % pools.length] as (typeof pools)[number];
          const id = distinctId(1, i);
          ids.add(id);
          const template = pool[i % pool.length] as (typeof pool)[number];
          return {
            ...request,
            headers: { [HEADER.SIMULATED_TIME]: time, "content-type": template.contentType },
            body: withId(template, id),
          };
        },
      },
    ],
  });
  const ok = result.statusCodeStats["200"]?.count ?? 0;
  check(
    `load: ${CHECK_INS.toLocaleString("en")} check-ins from distinct systems at concurrency ${CONCURRENCY}, all 200`,
    ok === CHECK_INS && result.errors === 0 && result.timeouts === 0 && ids.size === CHECK_INS,
    `${statusCounts(result.statusCodeStats)}; ${result.errors} errors, ${result.timeouts} timeouts; ${(result.requests.total / result.duration).toFixed(0)} req/s`,
  );
  const report = await summarize(origin);
  check(
    `load: the summary counts exactly ${CHECK_INS.toLocaleString("en")} systems`,
    report.systems === CHECK_INS && report.skipped === 0,
    `systems ${report.systems}, skipped ${report.skipped}`,
  );
  return ids;
}

const FLOOD_VERSION = "3.99.1";

async function flood(origin: string, before: number): Promise<string> {
  const id = distinctId(2, 0);
  // A core version nobody else runs, so its published series counts this system alone.
  const body = Buffer.from(
    JSON.stringify({ systemId: id, components: [{ name: "core", version: FLOOD_VERSION }] }),
  );
  const result = await autocannon({
    url: origin,
    connections: CONCURRENCY,
    amount: FLOOD,
    timeout: 30,
    method: "POST",
    headers: { [HEADER.SIMULATED_TIME]: time, "content-type": JSON_TYPE },
    body,
  });
  check(
    `flood: ${FLOOD.toLocaleString("en")} identical check-ins from one system at concurrency ${CONCURRENCY}, all 200`,
    (result.statusCodeStats["200"]?.count ?? 0) === FLOOD && result.errors === 0,
    statusCounts(result.statusCodeStats),
  );
  const report = await summarize(origin);
  const key = `versions_xyz__core__${FLOOD_VERSION}`;
  const series = (await (await fetch(`${origin}/api/v1/series/${key}`)).json()) as Array<
    [number, number]
  >;
  const point = series.find(([at]) => isoDay(at) === day)?.[1];
  check(
    "flood: the summary counts the flooding system once",
    report.systems === before + 1 && point === 1,
    `systems ${before} → ${report.systems}; ${key} on ${day}: ${point}`,
  );
  return id;
}

const INVENTED = 1_000;

async function inventedVersions(origin: string): Promise<void> {
  const yesterday = new Date(now.getTime() - 86_400_000);
  const post = (id: string, at: Date, components: Array<{ name: string; version: string }>) =>
    send(`${origin}/`, {
      method: "POST",
      headers: { "content-type": JSON_TYPE, [HEADER.SIMULATED_TIME]: at.toISOString() },
      body: JSON.stringify({ systemId: id, components }),
    });
  const real = Array.from({ length: 30 }, (_, i) => distinctId(3, i));
  const realComponents = (i: number) => [
    { name: "core", version: `3.${45 + (i % 4)}.${i % 3}` },
    { name: "file", version: "1.16.0" },
  ];
  // Yesterday: real history, so today's keys are measured against series that exist.
  for (const [i, id] of real.entries()) await post(id, yesterday, realComponents(i));
  const first = await send(`${origin}/?day=${isoDay(yesterday.getTime())}`, { method: "PUT" });
  if (first.status !== 200) throw new Error(`PUT yesterday: ${first.status}`);
  const pageBefore = (await (await fetch(`${origin}/api/v1/page`)).text()).length;

  // Today: the same installations, five of them on a new file release, and the flood.
  for (const [i, id] of real.entries()) {
    await post(
      id,
      now,
      i < 5
        ? [...realComponents(i).slice(0, 1), { name: "file", version: "7.7.0" }]
        : realComponents(i),
    );
  }
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < INVENTED) {
        const n = next++;
        const res = await post(distinctId(4, n), now, [
          { name: "core", version: `${1000 + n}.0.0` },
        ]);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
      }
    }),
  );
  check(
    `invented versions: ${INVENTED.toLocaleString("en")} check-ins from one address, each a new version, accepted (the local limit is above load tests)`,
    statuses.get(200) === INVENTED,
    [...statuses].map(([status, count]) => `${count}× ${status}`).join(", "),
  );
  const res = await send(`${origin}/?day=${day}`, { method: "PUT" });
  const report = (await res.json()) as Report & { kvOps: number };
  check(
    "invented versions: the run stays far inside one invocation's 1,000 KV operations",
    res.status === 200 && report.kvOps < 200 && report.systems === real.length + INVENTED,
    `kvOps ${report.kvOps}, systems ${report.systems}`,
  );
  const fileSeries = await fetch(`${origin}/api/v1/series/versions__file__7.7`);
  const points = fileSeries.ok ? ((await fileSeries.json()) as Array<[number, number]>) : [];
  check(
    "invented versions: the real new release is published by the first run",
    points.some(([at, value]) => isoDay(at) === day && value === 5),
    `versions__file__7.7: ${fileSeries.status} ${JSON.stringify(points)}`,
  );
  const { keys } = (await (await fetch(`${origin}/api/v1/series`)).json()) as { keys: string[] };
  const invented = (prefix: string) =>
    keys.filter((key) => key.startsWith(prefix) && /__1\d{3}\.0(\.0)?$/.test(key)).length;
  check(
    `invented versions: at most ${MAX_NEW_SERIES_PER_GROUP} invented series entered each group`,
    invented("versions__core__") <= MAX_NEW_SERIES_PER_GROUP &&
      invented("versions_xyz__core__") <= MAX_NEW_SERIES_PER_GROUP,
    `x.y ${invented("versions__core__")}, exact ${invented("versions_xyz__core__")}`,
  );
  const pageAfter = (await (await fetch(`${origin}/api/v1/page`)).text()).length;
  check(
    "invented versions: _page stays small",
    pageAfter < 32 * 1024,
    `${pageBefore.toLocaleString("en")} → ${pageAfter.toLocaleString("en")} bytes`,
  );
}

const CONTENT_TYPES = [
  undefined,
  "application/octet-stream",
  "application/x-protobuf",
  JSON_TYPE,
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "text/plain",
  "text/json",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  ";;;",
];

interface Fuzzed {
  kind: string;
  body: Uint8Array<ArrayBuffer>;
  contentType: string | undefined;
}

/** The fuzz corpus: a quarter each of four kinds, all from one seed. */
function fuzzCorpus(): Fuzzed[] {
  const next = random(SEED);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)] as T;
  const valid = FORMS.map((form) => ({ form, pool: populationTemplates(form, 500) }));
  const validBody = (i: number, forms = valid) => {
    const { form, pool } = pick(forms);
    const template = pick(pool);
    return { form, bytes: withId(template, distinctId(3, i)), contentType: template.contentType };
  };
  const jsonValues = fc.sample(fc.jsonValue(), { seed: SEED, numRuns: FUZZ / 4 });
  const corpus: Fuzzed[] = [];
  for (let i = 0; i < FUZZ; i++) {
    const kind = i % 4;
    if (kind === 0) {
      // Random bytes; now and then just over the size limit.
      const length = next() < 0.01 ? MAX_BODY_BYTES + 1 + int(1000) : int(2000);
      const body = Uint8Array.from({ length }, () => int(256));
      corpus.push({ kind: "random bytes", body, contentType: pick(CONTENT_TYPES) });
    } else if (kind === 1) {
      // A valid body with a few byte-level mutations: flips, inserts, deletions, truncation.
      const { form, bytes, contentType } = validBody(i);
      const body = [...bytes];
      for (let m = 1 + int(4); m > 0; m--) {
        const at = int(body.length + 1);
        const op = int(4);
        if (op === 0) body[at] = int(256);
        else if (op === 1) body.splice(at, 0, int(256));
        else if (op === 2) body.splice(at, 1);
        else body.length = at;
      }
      corpus.push({
        kind: `mutated ${form}`,
        body: Uint8Array.from(body),
        contentType: next() < 0.9 ? contentType : pick(CONTENT_TYPES),
      });
    } else if (kind === 2) {
      // Any JSON value fast-check can think of, labelled JSON.
      const text = JSON.stringify(jsonValues[Math.floor(i / 4)]) ?? "null";
      corpus.push({
        kind: "random JSON",
        body: new TextEncoder().encode(text),
        contentType: pick(CONTENT_TYPES.filter((t) => t?.includes("json"))),
      });
    } else {
      // A valid JSON check-in with one field replaced by a random JSON value.
      const { bytes } = validBody(
        i,
        valid.filter((v) => v.form !== "protobuf"),
      );
      const object = JSON.parse(Buffer.from(bytes).toString()) as Record<string, unknown>;
      const keys = Object.keys(object);
      const field = keys.length > 0 && next() < 0.9 ? pick(keys) : `extra${int(9)}`;
      object[field] = pick(jsonValues);
      corpus.push({
        kind: "mutated JSON",
        body: new TextEncoder().encode(JSON.stringify(object)),
        contentType: next() < 0.8 ? JSON_TYPE : pick(CONTENT_TYPES),
      });
    }
  }
  return corpus;
}

async function fuzz(origin: string, known: Set<string>, before: number): Promise<void> {
  const corpus = fuzzCorpus();
  const statuses = new Map<number, number>();
  const failures: Array<{ index: number; status: number; item: Fuzzed }> = [];
  const accepted = new Set<string>();
  let disagreements = 0;
  let cursor = 0;
  const worker = async () => {
    while (cursor < corpus.length) {
      const index = cursor++;
      const item = corpus[index] as Fuzzed;
      const headers: Record<string, string> = { [HEADER.SIMULATED_TIME]: time };
      if (item.contentType !== undefined) headers["content-type"] = item.contentType;
      let status: number;
      try {
        const res = await fetch(`${origin}/`, { method: "POST", body: item.body, headers });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 0 || status >= 500) failures.push({ index, status, item });
      // What the server stored must be what the shared decoder accepts, and nothing else.
      const decoded = decodeCheckIn(item.body, item.contentType ?? null);
      if (status === 200 && decoded.ok) accepted.add(decoded.value.checkIn.systemId);
      if ((status === 200) !== decoded.ok && status !== 413 && status !== 0) disagreements++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const summary = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${count}× ${status || "network error"}`)
    .join(", ");
  let where = "";
  if (failures.length > 0) {
    const folder = join(tmpdir(), `pulp-analytics-fuzz-${process.pid}`);
    mkdirSync(folder, { recursive: true });
    for (const f of failures.slice(0, 50)) {
      writeFileSync(join(folder, `${f.index}-${f.status}.bin`), f.item.body);
      writeFileSync(join(folder, `${f.index}-${f.status}.content-type`), f.item.contentType ?? "");
    }
    where = `; bodies in ${folder}`;
  }
  check(
    `fuzz: ${FUZZ.toLocaleString("en")} random bodies (seed ${SEED}), no 5xx`,
    failures.length === 0,
    summary + where,
  );
  check(
    "fuzz: every answer agrees with the shared decoder (200 exactly when it accepts)",
    disagreements === 0,
    `${disagreements} disagreements`,
  );
  const fresh = [...accepted].filter((id) => !known.has(id)).length;
  const report = await summarize(origin);
  check(
    "fuzz: the summary counts only the accepted bodies' systems (nothing rejected was stored)",
    report.systems === before + fresh && report.skipped === 0,
    `systems ${before} → ${report.systems}, ${fresh} new systems accepted, skipped ${report.skipped}`,
  );
}

/** Writes `head` and `chunks` on a raw connection, then hangs up without reading an answer. */
async function hangUp(origin: string, head: string, chunks: Buffer[], gapMs: number) {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(head);
  for (const chunk of chunks) {
    socket.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  socket.destroy();
}

async function alive(origin: string): Promise<boolean> {
  return fetch(`${origin}/api/v1/series`).then(
    (r) => r.ok,
    () => false,
  );
}

async function hangUps(origin: string): Promise<void> {
  const chunk = (text: string) => Buffer.from(`${text.length.toString(16)}\r\n${text}\r\n`);
  // The stack's own name: the front refuses any other Host before reading a body.
  const { host } = new URL(origin);
  const cases: Array<[string, () => Promise<unknown>]> = [
    [
      "a client announcing 100 bytes that sends 3 and hangs up",
      () =>
        hangUp(
          origin,
          `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 100\r\n\r\n`,
          [Buffer.from("abc")],
          1_000,
        ),
    ],
    [
      "a client giving up during a slow chunked upload",
      () =>
        hangUp(
          origin,
          `POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n`,
          Array.from({ length: 5 }, () => chunk("x".repeat(1_000))),
          100,
        ),
    ],
    [
      "a 5 MB chunked POST",
      async () => {
        const body = new Uint8Array(5_000_000);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < body.length; at += 65_536) {
              controller.enqueue(body.subarray(at, at + 65_536));
            }
            controller.close();
          },
        });
        const res = await fetch(`${origin}/`, {
          method: "POST",
          body: stream,
          duplex: "half",
        } as RequestInit).catch(() => null);
        await res?.arrayBuffer().catch(() => null);
        return res?.status;
      },
    ],
  ];
  for (const [name, attack] of cases) {
    await attack();
    await new Promise((resolve) => setTimeout(resolve, 500));
    check(`hang-up: ${name}; the stack still answers`, await alive(origin));
  }
}

// The stacks' KV (and any 5xx bodies) under /dev/shm if it has room: 30,000 check-ins each
// write RAW, which costs a disk sync per put elsewhere.
useScratchDir();
const stack = await startStack();
try {
  await hangUps(stack.origin);
  const known = await load(stack.origin);
  known.add(await flood(stack.origin, known.size));
  await fuzz(stack.origin, known, known.size);
} catch (error) {
  check("the run finished", false, String(error));
} finally {
  await stack.stop();
}
// Its own stack: the invented versions need a day of history before them.
const clean = await startStack();
try {
  await inventedVersions(clean.origin);
} catch (error) {
  check("the invented-versions run finished", false, String(error));
} finally {
  await clean.stop();
}
console.log(
  `${passed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(failed > 0 ? 1 : 0);
