/**
 * The local stack's front: a small Node HTTP server on the public port that hands wrangler dev
 * only complete requests.
 *
 * Why it exists: wrangler dev 4.86 forwards every request to the worker through its own proxy
 * worker, and when that forward fails (the client hung up while its body was still uploading,
 * or the worker answered, e.g. 413, before reading a body that was still arriving) wrangler
 * treats it as fatal and exits, taking all three workers down (
 * cloudflare/workers-sdk#15203, #15317, #15447). The fix upstream needs a wrangler that needs
 * Node 22. Deployed workers sit behind Cloudflare's edge, which never forwards a half-received
 * body, so only the local stack needs this.
 *
 * It also forwards past wrangler dev's proxy, straight to the workers' runtime (the address
 * wrangler dev logs as `userWorkerUrl`): that proxy is where requests hang or kill wrangler dev
 * under load (cloudflare/workers-sdk#15317, #15451). Bursts of 32 requests every 5 s, with two
 * busy loops on the two cores, killed wrangler dev within 50 s through its proxy, and every 2 s
 * left a request unanswered within 103 s; sent to the runtime itself, 55 and 120 bursts passed.
 *
 * What it does, and nothing more:
 * - answers only requests addressed to itself, `Host` 127.0.0.1, localhost or [::1] on its port
 *   (DNS rebinding), and but for reads only those from no `Origin` or a loopback one
 *   (cross-site writes): 403;
 * - reads each request body to its end before forwarding it, with a Content-Length; a client
 *   that hangs up first is dropped here and wrangler never sees it;
 * - stops reading a body after `maxBodyBytes + 1` bytes and forwards just those, so ingest's
 *   own size check answers 413 (one 413, the worker's), then closes the connection;
 * - never aborts a forwarded request because its client went away: the answer is read to the
 *   end and discarded;
 * - answers itself, with the one JSON error shape and the security headers, every request that
 *   wrangler dev would answer with a plain-text 500, a bare status or a closed connection, or
 *   that would reach a wrangler-only handler (docs/contract.md#6-the-local-stack): a request
 *   target of `*` or of no known form, a target over 16 KiB (414) or headers over 16 KiB (431),
 *   anything under `/cdn-cgi/` (wrangler dev runs the scheduled handler, its explorer and its
 *   binding proxy there; Cloudflare's edge keeps that path for itself), CONNECT, an unknown
 *   `Expect`, and what Node's parser refuses. An absolute-form target (`GET http://host/path`)
 *   is forwarded in origin form with that host, as RFC 9112 §3.2.2 asks of an origin.
 */

import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { Duplex } from "node:stream";
import { type Problem, problemResponse, withSecurityHeaders } from "@pulp-analytics/shared/config";

export interface FrontOptions {
  /** Where to listen; port 0 for a spare one, which the front then names (`Front.port`). */
  host: string;
  port: number;
  /**
   * The workers' runtime behind the front, e.g. http://127.0.0.1:41234, read for each attempt;
   * null while it is not known yet, which is held as an unreachable runtime is.
   */
  target: string | (() => string | null);
  /**
   * For how long a request is sent again while the runtime cannot be reached, as while wrangler
   * dev reloads it after a source change or the stack starts it again: any request on a refused
   * connection (nothing was sent), GET and HEAD also on a connection lost before an answer. 0,
   * the default, answers 502 at once.
   */
  retryMs?: number;
  /** Called each time a request is held because the runtime could not be reached. */
  onUnreachable?: () => void;
  /** Bodies longer than this are cut to this + 1 bytes (enough for a 413 by Content-Length). */
  maxBodyBytes: number;
}

export interface Front {
  /** The port it listens on. */
  port: number;
  close(): Promise<void>;
}

/** The longest request target forwarded; longer is 414 (16 KiB, as Node's default head limit). */
export const MAX_TARGET_BYTES = 16 * 1024;
/** The most header bytes (names, values, `: ` and line ends) forwarded; more is 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/**
 * Node's own limit on a request's head (request line and headers together), far above both
 * limits above, so that below it the handler tells a long target (414) from long headers (431)
 * exactly. Past it only Node's 'clientError' sees the request, with just the chunk that
 * overflowed: no line break in it is read as a request line still arriving (414), which a single
 * header value of over 1 MiB, sent in several chunks, would also look like.
 */
const PARSER_MAX_HEAD_BYTES = 1024 * 1024;
/** What the local stack's workers answer at all (`PUT /` is the dev summary trigger). */
const ALLOWED_METHODS = "GET, HEAD, POST, PUT";

/** Headers about one hop that must not be passed on (RFC 9110 §7.6.1), plus the framing we redo. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

interface Body {
  bytes: Buffer;
  /** The client sent more than the limit; only the first limit + 1 bytes are kept. */
  cut: boolean;
}

/** The whole body, or null when the client went away before sending all of it. */
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Body | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body | null) => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        req.pause();
        settle({ bytes: Buffer.concat(chunks).subarray(0, maxBodyBytes + 1), cut: true });
      }
    });
    req.on("end", () => settle({ bytes: Buffer.concat(chunks), cut: false }));
    req.on("aborted", () => settle(null));
    req.on("error", () => settle(null));
    req.on("close", () => {
      if (!req.complete) settle(null);
    });
  });
}

interface Refusal {
  status: 400 | 403 | 404 | 405 | 408 | 414 | 417 | 431 | 502;
  error: string;
  headers?: Record<string, string>;
}

/** A refusal as the workers would answer it: the one JSON error shape, the security headers. */
async function refusalAnswer(refusal: Refusal): Promise<{
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}> {
  // problemResponse types the statuses the workers use; the front adds a few of HTTP's own.
  const problem = { status: refusal.status as Problem["status"], error: refusal.error };
  const res = withSecurityHeaders(problemResponse(problem, refusal.headers));
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = { connection: "close" };
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["content-length"] = String(body.byteLength);
  return { status: refusal.status, headers, body };
}

/** Answers on a request the front will not forward, then closes the connection. */
async function refuse(res: ServerResponse, refusal: Refusal): Promise<void> {
  const answer = await refusalAnswer(refusal);
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Answers on a bare socket (Node's parser gave up on the request), then closes it. */
async function refuseOnSocket(socket: Duplex, refusal: Refusal): Promise<void> {
  const answer = await refusalAnswer(refusal);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ""}`];
  for (const [name, value] of Object.entries(answer.headers)) head.push(`${name}: ${value}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), answer.body]));
}

/** The header section's size on the wire: each `name: value` line with its CRLF. */
function headerBytes(req: IncomingMessage): number {
  let bytes = 0;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    bytes +=
      Buffer.byteLength(req.rawHeaders[i] ?? "") +
      Buffer.byteLength(req.rawHeaders[i + 1] ?? "") +
      4;
  }
  return bytes;
}

/** Whether a path is under `/cdn-cgi/`, however spelt (case, dot segments, percent-escapes). */
function isCdnCgi(pathname: string): boolean {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed escape: judge the path as it is.
  }
  const normal = new URL(decoded, "http://front.invalid").pathname.toLowerCase();
  return normal === "/cdn-cgi" || normal.startsWith("/cdn-cgi/");
}

/** The loopback names the front answers to, on its own port, and their origins (lower case). */
function loopback(port: number): Loopback {
  const hosts = ["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${port}`);
  return { hosts: new Set(hosts), origins: new Set(hosts.map((host) => `http://${host}`)) };
}

interface Loopback {
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

/**
 * A page the developer visits can make the browser send requests here: to 127.0.0.1 itself
 * (cross-site, with its own `Origin`), or to its own name once that resolves to 127.0.0.1 (DNS
 * rebinding: its own `Host`, and the answers readable as same-origin). Only requests addressed
 * to a loopback name on this port pass, and but for reads only from no origin or a loopback one
 * (pulpcore, curl and the stack's scripts send none).
 */
function foreign(req: IncomingMessage, host: string, allowed: Loopback): Refusal | null {
  if (!allowed.hosts.has(host.toLowerCase())) {
    return {
      status: 403,
      error: "the local stack answers only requests to 127.0.0.1, localhost or [::1] on its port",
    };
  }
  const origin = req.headers.origin;
  const read = req.method === "GET" || req.method === "HEAD";
  if (!read && origin !== undefined && !allowed.origins.has(origin.toLowerCase())) {
    return { status: 403, error: "the local stack takes no requests but reads from another site" };
  }
  return null;
}

/**
 * Where to forward a request to, in origin form, with the host an absolute-form target names;
 * or why the front answers it itself.
 */
function route(req: IncomingMessage, allowed: Loopback): { path: string; host?: string } | Refusal {
  const target = req.url ?? "";
  if (Buffer.byteLength(target) > MAX_TARGET_BYTES) {
    return { status: 414, error: `the request target is longer than ${MAX_TARGET_BYTES} bytes` };
  }
  if (headerBytes(req) > MAX_HEADER_BYTES) {
    return { status: 431, error: `the request headers are larger than ${MAX_HEADER_BYTES} bytes` };
  }
  if (req.httpVersion === "1.1" && req.headers.host === undefined) {
    return { status: 400, error: "an HTTP/1.1 request needs a Host header" };
  }
  if (target === "*") {
    return req.method === "OPTIONS"
      ? {
          status: 405,
          error: `method not allowed; allowed: ${ALLOWED_METHODS}`,
          headers: { Allow: ALLOWED_METHODS },
        }
      : { status: 400, error: "the request target * is only for OPTIONS" };
  }
  let path = target;
  let host: string | undefined;
  if (!target.startsWith("/")) {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.host === "") {
      return { status: 400, error: "the request target is neither a path nor an http(s) URL" };
    }
    path = `${url.pathname}${url.search}`;
    host = url.host;
  }
  let pathname: string;
  try {
    pathname = new URL(path, "http://front.invalid").pathname;
  } catch {
    return { status: 400, error: "the request target is not a valid path" };
  }
  const refused = foreign(req, host ?? req.headers.host ?? "", allowed);
  if (refused) return refused;
  if (isCdnCgi(pathname)) return { status: 404, error: "not found" };
  return { path, host };
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const target = () => {
    const where = typeof options.target === "string" ? options.target : options.target();
    return where === null ? null : new URL(where);
  };
  // Keep-alive to wrangler: the load test sends tens of thousands of requests through here.
  // Idle sockets are closed after 4 s, before the runtime closes them after 5 s, so that a
  // request is not written into a socket the runtime is closing.
  const agent = new Agent({ keepAlive: true, maxSockets: 128, timeout: 4_000 });
  // Known once the server listens, before any request arrives.
  let allowed: Loopback;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const where = route(req, allowed);
    if ("status" in where) {
      await refuse(res, where);
      return;
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (body === null) {
      // Hung up mid-upload: nobody is left to answer, and wrangler must not see half a body.
      req.destroy();
      return;
    }
    forward(req, res, where, body, true, Date.now() + (options.retryMs ?? 0));
  };

  /**
   * Sends the request on to wrangler dev and pipes its answer back. A kept-alive socket that
   * wrangler closed while idle fails as it is reused (ECONNRESET before any answer): wrangler
   * never saw that request, so it is sent once more on a new connection, as browsers do, rather
   * than answered with a 502.
   */
  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    where: { path: string; host?: string },
    body: Body,
    mayRetry: boolean,
    retryUntil: number,
  ) => {
    /** Holds the request for another attempt, if its time allows; false when it does not. */
    const held = () => {
      if (Date.now() >= retryUntil || res.headersSent || res.destroyed) return false;
      options.onUnreachable?.();
      setTimeout(() => forward(req, res, where, body, mayRetry, retryUntil), 250);
      return true;
    };
    const to = target();
    if (to === null) {
      if (!held()) {
        void refuse(res, { status: 502, error: "wrangler dev has not started yet" });
      }
      return;
    }
    const { hostname, port } = to;
    const upstream = httpRequest({
      agent,
      hostname,
      port,
      method: req.method,
      path: where.path,
      headers: {
        ...forwardable(req.headers),
        ...(where.host === undefined ? {} : { host: where.host }),
        "content-length": String(body.bytes.byteLength),
      },
    });
    upstream.on("response", (answer) => {
      const headers = forwardable(answer.headers);
      if (body.cut) headers.connection = "close";
      if (res.destroyed) {
        answer.resume(); // read to the end and drop: the client is gone
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
      // A client that goes away mid-answer unpipes it, which would leave the answer paused and
      // wrangler's side of it unfinished: read it to the end and drop it instead.
      res.on("close", () => {
        if (answer.readableEnded) return;
        answer.unpipe(res);
        answer.resume();
      });
      // The rest of a cut body is never read: end the connection once the answer is out.
      if (body.cut) res.on("finish", () => req.socket.destroy());
    });
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (mayRetry && upstream.reusedSocket && error.code === "ECONNRESET" && !res.headersSent) {
        forward(req, res, where, body, false, retryUntil);
        return;
      }
      const idempotent = req.method === "GET" || req.method === "HEAD";
      const unreached =
        error.code === "ECONNREFUSED" || (idempotent && error.code === "ECONNRESET");
      if (unreached && held()) return;
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      void refuse(res, {
        status: 502,
        error: `the local stack's front could not reach wrangler dev: ${error.message}`,
      });
    });
    upstream.end(body.bytes);
  };

  const server: Server = createServer(
    // The Host check is the front's own, so that its answer has the JSON shape.
    { maxHeaderSize: PARSER_MAX_HEAD_BYTES, requireHostHeader: false },
    (req, res) => {
      void handle(req, res);
    },
  );
  server.on("clientError", (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    // A client that resets its connection is not an error of the stack, and has no one to answer.
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === "HPE_HEADER_OVERFLOW") {
      // Past Node's limit: still the request line if no line break has arrived in this chunk.
      const inRequestLine = !(error.rawPacket ?? Buffer.alloc(0)).includes(0x0a);
      void refuseOnSocket(
        socket,
        inRequestLine
          ? { status: 414, error: `the request target is longer than ${MAX_TARGET_BYTES} bytes` }
          : { status: 431, error: `the request headers are larger than ${MAX_HEADER_BYTES} bytes` },
      );
      return;
    }
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      void refuseOnSocket(socket, { status: 408, error: "the request did not arrive in time" });
      return;
    }
    void refuseOnSocket(socket, { status: 400, error: "the request is not valid HTTP/1.1" });
  });
  // CONNECT (a proxy's method) and an Expect other than 100-continue: Node would close the
  // connection or answer a bare 417.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    void refuseOnSocket(socket, {
      status: 405,
      error: `method not allowed; allowed: ${ALLOWED_METHODS}`,
      headers: { Allow: ALLOWED_METHODS },
    });
  });
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    void refuse(res, {
      status: 417,
      error: "the only expectation this server meets is 100-continue",
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the front has no port");
  allowed = loopback(address.port);
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
