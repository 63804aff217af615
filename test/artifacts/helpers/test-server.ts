// A loopback HTTP server for artifact tests: counts requests and bytes, and misbehaves on demand.
import { createHash } from "node:crypto";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { AddressInfo } from "node:net";

/** How one path is served. */
export interface Route {
  body: Buffer;
  /** Answer 404. */
  notFound?: boolean;
  /** Answer 200 with the whole body even to Range requests. */
  ignoreRange?: boolean;
  /** Close the connection after this many body bytes, for the next `dropTimes` requests. */
  dropAfter?: number;
  dropTimes?: number;
  /** Send this many body bytes then go silent (until the client gives up). */
  stallAfter?: number;
  /** Send the body in pieces of `bytes`, one every `everyMs` (a slow or dripping mirror). */
  pace?: { bytes: number; everyMs: number };
  /** Send no Content-Length (chunked), so the client cannot know the size in advance. */
  noLength?: boolean;
  /** Send neither ETag nor Last-Modified (nothing to put in If-Range). */
  noValidators?: boolean;
  /** Announce this Content-Length whatever the body is (a lying mirror). */
  claimLength?: number;
  /** Answer with a redirect to this location. */
  redirectTo?: string;
}

/** One request the server saw. */
export interface SeenRequest {
  readonly path: string;
  readonly range: string | null;
  readonly ifRange: string | null;
}

/** A started server: base URL, routes to fill, and counters. */
export interface TestServer {
  readonly url: string;
  readonly routes: Map<string, Route>;
  readonly requests: SeenRequest[];
  /** Body bytes written to sockets so far. */
  bytesServed: number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, on `port` or a random one. */
export async function startTestServer(port = 0): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const state: TestServer = {
    url: "",
    routes,
    requests: [],
    bytesServed: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    void serve({ state, req, res });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${address.port}` });
}

/** A strong ETag for a body. */
export function etagOf(body: Buffer): string {
  return `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
}

async function serve(input: {
  state: TestServer;
  req: http.IncomingMessage;
  res: http.ServerResponse;
}) {
  const { state, req, res } = input;
  const path = req.url ?? "/";
  const range = req.headers.range ?? null;
  const ifRange = (req.headers["if-range"] as string | undefined) ?? null;
  state.requests.push({ path, range, ifRange });
  const route = state.routes.get(path);
  if (route === undefined || route.notFound === true) {
    res.writeHead(404).end("not found");
    return;
  }
  if (route.redirectTo !== undefined) {
    res.writeHead(302, { location: route.redirectTo }).end();
    return;
  }
  const etag = etagOf(route.body);
  const validators = route.noValidators === true ? {} : { etag };
  const length = (n: number) =>
    route.noLength === true ? {} : { "content-length": route.claimLength ?? n };
  let start = 0;
  const match = /^bytes=(\d+)-$/.exec(range ?? "");
  const rangeOk =
    match !== null && route.ignoreRange !== true && (ifRange === null || ifRange === etag);
  if (rangeOk && Number(match[1]) < route.body.length) {
    start = Number(match[1]);
    res.writeHead(206, {
      ...validators,
      ...length(route.body.length - start),
      "content-range": `bytes ${start}-${route.body.length - 1}/${route.body.length}`,
    });
  } else {
    res.writeHead(200, {
      ...validators,
      ...length(route.body.length),
      "accept-ranges": "bytes",
    });
  }
  res.flushHeaders();
  await writeBody({ state, route, res, slice: route.body.subarray(start), start });
}

// dropAfter counts from the first byte of this response; stallAfter is an offset in the whole body.
async function writeBody(input: {
  state: TestServer;
  route: Route;
  res: http.ServerResponse;
  slice: Buffer;
  start: number;
}) {
  const { state, route, res } = input;
  const drop = route.dropAfter !== undefined && (route.dropTimes ?? 1) > 0;
  if (drop) route.dropTimes = (route.dropTimes ?? 1) - 1;
  const stallAt =
    route.stallAfter === undefined ? undefined : Math.max(0, route.stallAfter - input.start);
  const cut = drop ? route.dropAfter : stallAt;
  const chunk = route.pace?.bytes ?? 64 * 1024;
  for (let at = 0; at < input.slice.length || cut === 0; at += chunk) {
    if (route.pace !== undefined && at > 0) await sleep(route.pace.everyMs);
    if (cut !== undefined && at >= cut) {
      if (drop) res.socket?.destroy();
      return;
    }
    const piece = input.slice.subarray(
      at,
      Math.min(at + chunk, input.slice.length, cut ?? Infinity),
    );
    state.bytesServed += piece.length;
    if (!res.write(piece)) await new Promise((resolve) => res.once("drain", resolve));
    if (res.destroyed) return;
  }
  res.end();
}
