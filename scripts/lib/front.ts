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
 * What it does, and nothing more:
 * - reads each request body to its end before forwarding it, with a Content-Length; a client
 *   that hangs up first is dropped here and wrangler never sees it;
 * - stops reading a body after `maxBodyBytes + 1` bytes and forwards just those, so ingest's
 *   own size check answers 413 (one 413, the worker's), then closes the connection;
 * - never aborts a forwarded request because its client went away: the answer is read to the
 *   end and discarded.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

export interface FrontOptions {
  /** Where to listen. */
  host: string;
  port: number;
  /** The wrangler dev origin behind the front, e.g. http://127.0.0.1:41234. */
  target: string;
  /** Bodies longer than this are cut to this + 1 bytes (enough for a 413 by Content-Length). */
  maxBodyBytes: number;
}

export interface Front {
  close(): Promise<void>;
}

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

export async function startFront(options: FrontOptions): Promise<Front> {
  const target = new URL(options.target);
  // Keep-alive to wrangler: the load test sends tens of thousands of requests through here.
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req, options.maxBodyBytes);
    if (body === null) {
      // Hung up mid-upload: nobody is left to answer, and wrangler must not see half a body.
      req.destroy();
      return;
    }
    const upstream = httpRequest({
      agent,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: {
        ...forwardable(req.headers),
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
      // The rest of a cut body is never read: end the connection once the answer is out.
      if (body.cut) res.on("finish", () => req.socket.destroy());
    });
    upstream.on("error", (error) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`the local stack's front could not reach wrangler dev: ${error.message}\n`);
    });
    upstream.end(body.bytes);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  // A client that resets its connection is not an error of the stack.
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
