// One HTTP(S) GET with node:http: manual redirects (no https→http downgrade), a connect timeout,
// an idle timeout and a minimum rate. node:http rather than fetch: fetch refuses "bad ports"
// (6667, 10080, ...) that a mirror may use, and costs more CPU per byte (docs/benchmarks.md).
import http, { type IncomingMessage } from "node:http";
import { formatBytes } from "../units/size.js";
import type { FetchTuning } from "./fetch-tuning.js";
import { watchIdle } from "./idle-watch.js";
import { watchRate } from "./rate-watch.js";
import { SourceError, isRetryableStatus, networkError } from "./source-error.js";

/** What a server answered, with its body as chunks that abort when the transfer idles or drips. */
export interface HttpResponse {
  readonly status: number;
  /** A response header (lower-case name), or null when absent. */
  header(name: string): string | null;
  readonly finalUrl: string;
  readonly body: AsyncIterable<Uint8Array>;
  /** Closes the connection early. */
  cancel(): void;
}

/** Sends GET with extra headers, following up to `maxRedirects` redirects. */
export async function httpGet(input: {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly tuning: FetchTuning;
}): Promise<HttpResponse> {
  let current = new URL(input.url);
  for (let hop = 0; ; hop++) {
    const response = await sendOnce({ url: current, headers: input.headers, tuning: input.tuning });
    const status = response.statusCode ?? 0;
    const location = headerOf(response, "location");
    if (status >= 300 && status < 400 && location !== null) {
      response.destroy();
      if (hop >= input.tuning.maxRedirects) {
        throw new SourceError({
          code: "DOWNLOAD_REDIRECTS",
          message: `${input.url}: more than ${input.tuning.maxRedirects} redirects`,
          retry: false,
        });
      }
      current = nextLocation(current, location, input.url);
      continue;
    }
    if (status !== 200 && status !== 206) {
      response.destroy();
      throw statusError(input.url, status, current.href);
    }
    return {
      status,
      header: (name) => headerOf(response, name),
      finalUrl: current.href,
      body: guardedBody({ response, tuning: input.tuning, url: input.url }),
      cancel: () => response.destroy(),
    };
  }
}

async function sendOnce(input: {
  url: URL;
  headers: Record<string, string>;
  tuning: FetchTuning;
}): Promise<IncomingMessage> {
  // node:https (and TLS with it) is loaded only for https URLs.
  const { request } = input.url.protocol === "https:" ? await import("node:https") : http;
  return new Promise((resolve, reject) => {
    // identity: the hash is of the bytes as stored, never of a decoded Content-Encoding.
    const req = request(input.url, {
      headers: { "accept-encoding": "identity", ...input.headers },
      // One connection per request: nothing pooled outlives the download.
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(
        new SourceError({
          code: "DOWNLOAD_TIMEOUT",
          message: `${input.url.href}: no response within ${input.tuning.connectTimeoutMs} ms`,
          retry: true,
        }),
      );
    }, input.tuning.connectTimeoutMs);
    // Errors after the response arrives reach its body too; this listener only keeps them from being unhandled.
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(networkError(input.url.href, error));
    });
    req.once("response", (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    req.end();
  });
}

function headerOf(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Where a redirect leads: http(s) only, never from https down to http. */
export function nextLocation(current: URL, location: string, original: string): URL {
  const next = new URL(location, current);
  if (next.protocol !== "https:" && next.protocol !== "http:") {
    throw new SourceError({
      code: "DOWNLOAD_REDIRECT_SCHEME",
      message: `${original}: redirect to unsupported URL ${next.href}`,
      retry: false,
    });
  }
  if (current.protocol === "https:" && next.protocol === "http:") {
    throw new SourceError({
      code: "DOWNLOAD_REDIRECT_DOWNGRADE",
      message: `${original}: refusing redirect from https to plain http (${next.href})`,
      retry: false,
    });
  }
  return next;
}

function statusError(url: string, status: number, finalUrl: string): SourceError {
  const where = finalUrl === url ? url : `${url} (redirected to ${finalUrl})`;
  return new SourceError({
    code: "DOWNLOAD_STATUS",
    message: `${where}: HTTP ${status}`,
    retry: isRetryableStatus(status),
    status,
  });
}

// The idle clock runs only while waiting for the server (never while the consumer writes); the
// rate is judged per window of wall time, so a mirror sending 1 byte/s is left after one window.
async function* guardedBody(input: {
  response: IncomingMessage;
  tuning: FetchTuning;
  url: string;
}): AsyncGenerator<Uint8Array> {
  const { response, tuning } = input;
  let stopped: SourceError | null = null;
  const stop = (error: SourceError): void => {
    stopped = error;
    response.destroy(error);
  };
  const idle = watchIdle(tuning.idleTimeoutMs, () =>
    stop(
      new SourceError({
        code: "DOWNLOAD_IDLE_TIMEOUT",
        message: `${input.url}: no data for ${tuning.idleTimeoutMs} ms`,
        retry: true,
      }),
    ),
  );
  const rate = watchRate({
    minBytesPerSecond: tuning.minBytesPerSecond,
    windowMs: tuning.slowWindowMs,
    onSlow: (bytes) => stop(tooSlow(input.url, tuning, bytes)),
  });
  try {
    idle.waiting();
    for await (const chunk of response as AsyncIterable<Buffer>) {
      idle.arrived();
      rate.add(chunk.length);
      yield chunk;
      idle.waiting();
    }
  } catch (error) {
    throw stopped ?? networkError(input.url, error);
  } finally {
    idle.stop();
    rate.stop();
    response.destroy();
  }
}

// Not retried on the same URL: a mirror this slow holds the host lock for hours.
function tooSlow(url: string, tuning: FetchTuning, bytes: number): SourceError {
  const seconds = tuning.slowWindowMs / 1000;
  return new SourceError({
    code: "DOWNLOAD_TOO_SLOW",
    message: `${url}: sent ${formatBytes(bytes)} in ${seconds} s, below the minimum of ${formatBytes(tuning.minBytesPerSecond)}/s; abandoned for the next mirror`,
    retry: false,
  });
}
