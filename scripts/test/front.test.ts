/**
 * The local stack's front (scripts/lib/front.ts) answers every request with a status, the JSON
 * error shape and the security headers, and forwards to wrangler dev only what wrangler answers
 * properly (docs/contract.md#6-the-local-stack). Behind it here: a stand-in upstream that records
 * what reaches it, so the test needs no wrangler. Requests go over raw sockets, because what is
 * tested is exactly what an HTTP client library would refuse to send.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, createServer as createNetServer, type Server as NetServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Front,
  type FrontOptions,
  MAX_HEADER_BYTES,
  MAX_TARGET_BYTES,
  startFront,
} from "../lib/front";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let upstream: Server;
let front: Front;
const seen: Seen[] = [];

async function listen(server: NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function sparePort(): Promise<number> {
  const probe = createServer();
  const free = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

/** A front of a test's own, on a port the kernel picks (port 0), in front of `target`. */
async function relayTo(
  target: FrontOptions["target"],
  more: Partial<FrontOptions> = {},
): Promise<{ port: number; relay: Front }> {
  const relay = await startFront({
    host: "127.0.0.1",
    port: 0,
    target,
    maxBodyBytes: 16 * 1024,
    ...more,
  });
  return { port: relay.port, relay };
}

// Known before the tests are collected: the requests below name it in their Host.
const port = await sparePort();

beforeAll(async () => {
  // wrangler dev (workerd) takes a request head of up to 64 KiB.
  upstream = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json",
        "x-content-type-options": "nosniff",
      });
      res.end('{"upstream":true}');
    });
  });
  const upstreamPort = await listen(upstream);
  front = await startFront({
    host: "127.0.0.1",
    port,
    target: `http://127.0.0.1:${upstreamPort}`,
    maxBodyBytes: 16 * 1024,
  });
});

afterAll(async () => {
  await front.close();
  await new Promise((resolve) => upstream.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends `chunks` as they are on one connection and reads until the front closes it. */
function send(chunks: Array<string | Buffer>, toPort = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(toPort, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("connect", () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on("data", (data: Buffer) => received.push(data));
    socket.on("error", () => {
      // A reset after the answer arrived is fine; no answer at all is judged on close.
    });
    socket.on("close", () => {
      const text = Buffer.concat(received).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        reject(new Error(`no answer, only ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      let body = text.slice(end + 4);
      if (headers.get("transfer-encoding") === "chunked") {
        body = body.replace(/(?:^|\r\n)[0-9a-f]+\r\n/g, "").replace(/\r\n$/, "");
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
  });
}

const CLOSE = "Connection: close";
/** One request; the front closes after it (forwarded ones ask it to, refusals always do). */
const request = (head: string, body = "") => send([`${head}\r\n${CLOSE}\r\n\r\n${body}`]);
/** The front's own name, as every client of the stack sends it. */
const HOST = `Host: 127.0.0.1:${port}`;

/** The front's own answer: a status, JSON `{error, issues}`, every security header, closed. */
function expectRefusal(answer: Answer, status: number): { error: string } {
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
  expect(answer.headers.get("x-frame-options")).toBe("DENY");
  expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
  expect(answer.headers.get("content-security-policy")).toContain("default-src 'none'");
  const json = JSON.parse(answer.body) as { error: unknown; issues: unknown };
  expect(typeof json.error).toBe("string");
  expect(json.issues).toEqual([]);
  return json as { error: string };
}

describe("requests the front answers itself, forwarding nothing", () => {
  it.each([
    ["OPTIONS *", `OPTIONS * HTTP/1.1\r\n${HOST}`, 405],
    ["POST *", `POST * HTTP/1.1\r\n${HOST}\r\nContent-Length: 2`, 400],
    ["GET *", `GET * HTTP/1.1\r\n${HOST}`, 400],
    ["an ftp: target", `GET ftp://example.org/ HTTP/1.1\r\n${HOST}`, 400],
    ["a target that is no URL", `GET example HTTP/1.1\r\n${HOST}`, 400],
    ["the scheduled handler", `GET /cdn-cgi/handler/scheduled HTTP/1.1\r\n${HOST}`, 404],
    [
      "the scheduled handler with a cron",
      `GET /cdn-cgi/handler/scheduled?cron=0+0+*+*+* HTTP/1.1\r\n${HOST}`,
      404,
    ],
    ["POST to the scheduled handler", `POST /cdn-cgi/handler/scheduled HTTP/1.1\r\n${HOST}`, 404],
    ["the email handler", `POST /cdn-cgi/handler/email HTTP/1.1\r\n${HOST}`, 404],
    [
      "the scheduled handler in capitals",
      `GET /CDN-CGI/handler/scheduled HTTP/1.1\r\n${HOST}`,
      404,
    ],
    ["through dot segments", `GET /x/../cdn-cgi/handler/scheduled HTTP/1.1\r\n${HOST}`, 404],
    ["percent-escaped", `GET /%63dn-cgi/explorer HTTP/1.1\r\n${HOST}`, 404],
    ["wrangler's binding proxy", `POST /cdn-cgi/platform-proxy HTTP/1.1\r\n${HOST}`, 404],
    [
      "an absolute-form scheduled handler",
      `GET http://127.0.0.1:${port}/cdn-cgi/handler/scheduled HTTP/1.1\r\n${HOST}`,
      404,
    ],
    ["no Host in HTTP/1.1", "GET / HTTP/1.1", 400],
    ["an Expect other than 100-continue", `GET / HTTP/1.1\r\n${HOST}\r\nExpect: teapot`, 417],
    ["CONNECT", `CONNECT example.org:443 HTTP/1.1\r\n${HOST}`, 405],
    ["a method Node does not know", `BREW / HTTP/1.1\r\n${HOST}`, 400],
    ["not HTTP at all", "GARBAGE", 400],
  ])("%s", async (_name, head, status) => {
    expectRefusal(await request(head), status);
    expect(seen).toEqual([]);
  });

  it("OPTIONS * names what the stack allows", async () => {
    const answer = await request(`OPTIONS * HTTP/1.1\r\n${HOST}`);
    expect(answer.headers.get("allow")).toBe("GET, HEAD, POST, PUT");
  });
});

describe("only requests addressed to the stack, and no cross-site writes", () => {
  it.each([
    ["a foreign Host", "GET / HTTP/1.1\r\nHost: evil.example"],
    [
      "a rebound name on the stack's port",
      `GET /api/v1/series HTTP/1.1\r\nHost: attacker.test:${port}`,
    ],
    ["a rebound PUT", `PUT /?day=2026-12-03 HTTP/1.1\r\nHost: attacker.test:${port}`],
    ["a loopback name on another port", `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port + 1}`],
    ["a loopback name without the port", "GET / HTTP/1.1\r\nHost: localhost"],
    ["a foreign absolute-form target", `GET http://evil.example/ HTTP/1.1\r\n${HOST}`],
    ["HTTP/1.0 without Host", "GET / HTTP/1.0"],
    [
      "a POST from another site",
      `POST / HTTP/1.1\r\n${HOST}\r\nOrigin: https://evil.example\r\nContent-Length: 2`,
    ],
    ["a PUT from another site", `PUT /?day=2026-12-03 HTTP/1.1\r\n${HOST}\r\nOrigin: null`],
    [
      "a POST from the stack's name on another port",
      `POST / HTTP/1.1\r\n${HOST}\r\nOrigin: http://127.0.0.1:${port + 1}\r\nContent-Length: 2`,
    ],
  ])("%s is 403", async (_name, head) => {
    const body = head.includes("Content-Length") ? "ab" : "";
    expect(expectRefusal(await request(head, body), 403).error).toMatch(/local stack/);
    expect(seen).toEqual([]);
  });

  it.each([`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`])(
    "Host %s is forwarded",
    async (host) => {
      expect((await request(`GET /api/v1/series HTTP/1.1\r\nHost: ${host}`)).status).toBe(200);
      expect(seen).toHaveLength(1);
    },
  );

  it.each([
    ["without Origin (pulpcore, curl)", ""],
    ["from the stack's own page", `\r\nOrigin: http://127.0.0.1:${port}`],
    ["from its page at localhost", `\r\nOrigin: http://localhost:${port}`],
  ])("a POST %s is forwarded", async (_name, origin) => {
    const answer = await request(`POST / HTTP/1.1\r\n${HOST}${origin}\r\nContent-Length: 2`, "ab");
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.method)).toEqual(["POST"]);
  });

  it("a read from another site is forwarded: the open data is for every page", async () => {
    const answer = await request(
      `GET /api/v1/series HTTP/1.1\r\n${HOST}\r\nOrigin: https://evil.example`,
    );
    expect(answer.status).toBe(200);
  });
});

describe("size limits of the request head", () => {
  const target = (bytes: number) => `/?${"a".repeat(bytes - 2)}`;
  const header = (bytes: number) => `X-Pad: ${"b".repeat(bytes - "X-Pad: ".length - 2)}`;
  const fixedBytes = HOST.length + 2 + CLOSE.length + 2;

  it("forwards a target of exactly the limit", async () => {
    const answer = await request(`GET ${target(MAX_TARGET_BYTES)} HTTP/1.1\r\n${HOST}`);
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.url.length)).toEqual([MAX_TARGET_BYTES]);
  });

  it.each([MAX_TARGET_BYTES + 1, 64 * 1024, 3 * 1024 * 1024])(
    "a target of %i bytes is 414",
    async (bytes) => {
      const answer = await request(`GET ${target(bytes)} HTTP/1.1\r\n${HOST}`);
      expect(expectRefusal(answer, 414).error).toMatch(/target/);
      expect(seen).toEqual([]);
    },
  );

  it("forwards headers of exactly the limit, with a target near its own", async () => {
    const head = `GET ${target(MAX_TARGET_BYTES - 100)} HTTP/1.1\r\n${HOST}\r\n${header(MAX_HEADER_BYTES - fixedBytes)}`;
    expect((await request(head)).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it.each([
    ["one header", MAX_HEADER_BYTES - fixedBytes + 1, 1],
    ["one long header", 200 * 1024, 1],
    ["many headers", 2 * 1024, 300],
    ["headers past Node's own limit", 8 * 1024, 200],
  ])("%s over the limit is 431", async (_name, bytes, count) => {
    const headers = Array.from({ length: count }, () => header(bytes)).join("\r\n");
    const answer = await request(`GET / HTTP/1.1\r\n${HOST}\r\n${headers}`);
    expect(expectRefusal(answer, 431).error).toMatch(/headers/);
    expect(seen).toEqual([]);
  });

  it("a target over the limit sent in pieces is still 414", async () => {
    const pieces = [
      "GET /?",
      "a".repeat(40_000),
      "a".repeat(40_000),
      ` HTTP/1.1\r\n${HOST}\r\n\r\n`,
    ];
    expectRefusal(await send(pieces), 414);
  });
});

describe("what the front forwards", () => {
  it("an absolute-form target in origin form, with its host", async () => {
    const answer = await request(
      `POST http://localhost:${port}/?day=2026-12-03 HTTP/1.1\r\n${HOST}\r\nContent-Length: 2`,
      "ab",
    );
    expect(answer.status).toBe(200);
    expect(seen).toMatchObject([
      { method: "POST", url: "/?day=2026-12-03", headers: { host: `localhost:${port}` } },
    ]);
    expect(seen[0]?.headers["content-length"]).toBe("2");
  });

  it("OPTIONS / and other methods, for the workers to answer", async () => {
    expect((await request(`OPTIONS / HTTP/1.1\r\n${HOST}`)).status).toBe(200);
    expect((await request(`PROPFIND / HTTP/1.1\r\n${HOST}`)).status).toBe(200);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["OPTIONS /", "PROPFIND /"]);
  });

  it("paths that only look like /cdn-cgi/", async () => {
    const answer = await request(`GET /api/v1/series/cdn-cgi HTTP/1.1\r\n${HOST}`);
    expect(answer.status).toBe(200);
    expect(seen.map((s) => s.url)).toEqual(["/api/v1/series/cdn-cgi"]);
  });
});

it("answers 502 in JSON with the security headers when wrangler dev is not there", async () => {
  const nowhere = await sparePort();
  const { port: lonely, relay: orphan } = await relayTo(`http://127.0.0.1:${nowhere}`);
  try {
    const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${lonely}\r\n${CLOSE}\r\n\r\n`;
    const answer = await send([head], lonely);
    expect(expectRefusal(answer, 502).error).toMatch(/could not reach wrangler dev/);
  } finally {
    await orphan.close();
  }
});

it("sends a request once more when wrangler closed the kept-alive socket it went out on", async () => {
  // A wrangler stand-in that answers the first request of a connection, keeping it open, and
  // resets the connection when a second request comes on it: an idle keep-alive socket closed
  // just as it is reused.
  let connections = 0;
  const upstream = createNetServer((socket) => {
    connections++;
    let answered = false;
    socket.on("data", () => {
      if (answered) {
        socket.resetAndDestroy();
        return;
      }
      answered = true;
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
    });
  });
  const upstreamPort = await listen(upstream);
  const { port, relay } = await relayTo(`http://127.0.0.1:${upstreamPort}`);
  try {
    for (let i = 0; i < 3; i++) {
      const answer = await send(
        [`GET /${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${CLOSE}\r\n\r\n`],
        port,
      );
      expect([answer.status, answer.body]).toEqual([200, "ok"]);
    }
    // Each later request met a reset socket first, then went out on a new connection.
    expect(connections).toBe(3);
  } finally {
    await relay.close();
    await new Promise((resolve) => upstream.close(resolve));
  }
});

it("reads an answer to its end when the client goes away in the middle of it", async () => {
  // A wrangler stand-in with a long answer (32 MiB, more than the sockets buffer): it can finish
  // writing only if the front keeps reading after its client hung up.
  const CHUNK = Buffer.alloc(64 * 1024, "x");
  let finished!: () => void;
  const whole = new Promise<void>((resolve) => {
    finished = resolve;
  });
  let closedEarly = false;
  const upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      "content-type": "text/plain",
      "content-length": String(512 * CHUNK.length),
    });
    let sent = 0;
    const more = () => {
      while (sent < 512) {
        sent++;
        if (!res.write(CHUNK)) return void res.once("drain", more);
      }
      res.end();
    };
    res.on("finish", finished);
    res.on("close", () => {
      if (!res.writableFinished) closedEarly = true;
    });
    more();
  });
  const upstreamPort = await listen(upstream);
  const { port, relay } = await relayTo(`http://127.0.0.1:${upstreamPort}`);
  try {
    // The client reads the first bytes of the answer, then hangs up.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`GET /big HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      });
      socket.once("data", () => {
        socket.destroy();
        resolve();
      });
      socket.on("error", reject);
    });
    await whole;
    expect(closedEarly).toBe(false);
  } finally {
    await relay.close();
    await new Promise((resolve) => upstream.close(resolve));
  }
});

describe("while the workers' runtime is away (a reload, or the stack starting it again)", () => {
  /** A runtime stand-in on a port the kernel picks, whose connections `handle` gets. */
  async function standIn(handle: (socket: import("node:net").Socket) => void) {
    const server = createNetServer(handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return { runtime: server, runtimePort: address.port };
  }
  const answerOk = (socket: import("node:net").Socket) =>
    socket.once("data", () =>
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"),
    );

  it("holds any request on a refused connection, and sends it where the runtime now is", async () => {
    const gone = await sparePort();
    const { runtime, runtimePort: now } = await standIn(answerOk);
    // The runtime is away for the first two attempts, then found on another port.
    let attempts = 0;
    let unreachable = 0;
    const { port, relay } = await relayTo(
      () => `http://127.0.0.1:${++attempts <= 2 ? gone : now}`,
      { retryMs: 30_000, onUnreachable: () => unreachable++ },
    );
    try {
      const answer = await send(
        [`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 2\r\n${CLOSE}\r\n\r\nab`],
        port,
      );
      expect([answer.status, answer.body, attempts, unreachable]).toEqual([200, "ok", 3, 2]);
    } finally {
      await relay.close();
      await new Promise((resolve) => runtime.close(resolve));
    }
  });

  it("holds a request until the runtime is known, and answers 502 without retryMs", async () => {
    const { runtime, runtimePort } = await standIn(answerOk);
    // Not known for the first two attempts, as before wrangler dev has started.
    let attempts = 0;
    const { port, relay } = await relayTo(
      () => (++attempts <= 2 ? null : `http://127.0.0.1:${runtimePort}`),
      { retryMs: 30_000 },
    );
    const { port: unheld, relay: impatient } = await relayTo(() => null);
    try {
      const get = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${CLOSE}\r\n\r\n`;
      const answer = await send([get], port);
      expect([answer.status, answer.body, attempts]).toEqual([200, "ok", 3]);
      const refused = await send([get.replace(`:${port}`, `:${unheld}`)], unheld);
      expect(expectRefusal(refused, 502).error).toBe("wrangler dev has not started yet");
    } finally {
      await relay.close();
      await impatient.close();
      await new Promise((resolve) => runtime.close(resolve));
    }
  });

  it("sends a GET again when the connection is lost before an answer, never a POST", async () => {
    let connections = 0;
    // The first connection is dropped as soon as its request arrives (a runtime dying mid-request).
    const { runtime, runtimePort: upstreamPort } = await standIn((socket) => {
      connections++;
      if (connections === 1) socket.once("data", () => socket.resetAndDestroy());
      else answerOk(socket);
    });
    const { port, relay } = await relayTo(`http://127.0.0.1:${upstreamPort}`, {
      retryMs: 30_000,
    });
    try {
      const get = await send(
        [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${CLOSE}\r\n\r\n`],
        port,
      );
      expect([get.status, get.body, connections]).toEqual([200, "ok", 2]);
      connections = 0;
      const post = await send(
        [`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 2\r\n${CLOSE}\r\n\r\nab`],
        port,
      );
      // It may have reached the runtime: answered, not sent twice.
      expect(expectRefusal(post, 502).error).toMatch(/could not reach wrangler dev/);
      expect(connections).toBe(1);
    } finally {
      await relay.close();
      await new Promise((resolve) => runtime.close(resolve));
    }
  });
});
