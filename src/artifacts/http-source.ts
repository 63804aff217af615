// One HTTP(S) GET with manual redirects (no https→http downgrade), a connect timeout and an idle timeout.
import type { FetchTuning } from "./fetch-tuning.js";
import { watchIdle } from "./idle-watch.js";
import { SourceError, isRetryableStatus, networkError } from "./source-error.js";

/** What a server answered, with its body as chunks that abort after `idleTimeoutMs` of silence. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
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
    const controller = new AbortController();
    const response = await sendOnce({
      url: current,
      headers: input.headers,
      controller,
      tuning: input.tuning,
    });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= input.tuning.maxRedirects) {
        throw new SourceError({
          code: "download-redirects",
          message: `${input.url}: more than ${input.tuning.maxRedirects} redirects`,
          retry: false,
        });
      }
      current = nextLocation(current, location, input.url);
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(input.url, response.status, current.href);
    }
    return {
      status: response.status,
      headers: response.headers,
      finalUrl: current.href,
      body: idleBody({ response, controller, tuning: input.tuning, url: input.url }),
      cancel: () => controller.abort(),
    };
  }
}

async function sendOnce(input: {
  url: URL;
  headers: Record<string, string>;
  controller: AbortController;
  tuning: FetchTuning;
}): Promise<Response> {
  const timer = setTimeout(() => input.controller.abort(), input.tuning.connectTimeoutMs);
  try {
    // identity: fetch would otherwise undo a Content-Encoding: gzip, and the hash is of the bytes as stored.
    return await fetch(input.url, {
      headers: { "accept-encoding": "identity", ...input.headers },
      redirect: "manual",
      signal: input.controller.signal,
    });
  } catch (error) {
    if (input.controller.signal.aborted) {
      throw new SourceError({
        code: "download-timeout",
        message: `${input.url.href}: no response within ${input.tuning.connectTimeoutMs} ms`,
        retry: true,
        cause: error,
      });
    }
    throw networkError(input.url.href, error);
  } finally {
    clearTimeout(timer);
  }
}

/** Where a redirect leads: http(s) only, never from https down to http. */
export function nextLocation(current: URL, location: string, original: string): URL {
  const next = new URL(location, current);
  if (next.protocol !== "https:" && next.protocol !== "http:") {
    throw new SourceError({
      code: "download-redirect-scheme",
      message: `${original}: redirect to unsupported URL ${next.href}`,
      retry: false,
    });
  }
  if (current.protocol === "https:" && next.protocol === "http:") {
    throw new SourceError({
      code: "download-redirect-downgrade",
      message: `${original}: refusing redirect from https to plain http (${next.href})`,
      retry: false,
    });
  }
  return next;
}

function statusError(url: string, status: number, finalUrl: string): SourceError {
  const where = finalUrl === url ? url : `${url} (redirected to ${finalUrl})`;
  return new SourceError({
    code: "download-status",
    message: `${where}: HTTP ${status}`,
    retry: isRetryableStatus(status),
    status,
  });
}

// The idle timer restarts on every chunk, so a slow but moving transfer never times out.
async function* idleBody(input: {
  response: Response;
  controller: AbortController;
  tuning: FetchTuning;
  url: string;
}): AsyncGenerator<Uint8Array> {
  if (input.response.body === null) return;
  const reader = input.response.body.getReader();
  let idle = false;
  const watch = watchIdle(input.tuning.idleTimeoutMs, () => {
    idle = true;
    input.controller.abort();
  });
  try {
    for (;;) {
      watch.waiting();
      const result = (await reader.read()) as { done: boolean; value?: Uint8Array };
      watch.arrived();
      if (result.done || result.value === undefined) return;
      yield result.value;
    }
  } catch (error) {
    if (idle) {
      throw new SourceError({
        code: "download-idle-timeout",
        message: `${input.url}: no data for ${input.tuning.idleTimeoutMs} ms`,
        retry: true,
        cause: error,
      });
    }
    throw networkError(input.url, error);
  } finally {
    watch.stop();
    reader.releaseLock();
    if (!input.controller.signal.aborted) input.controller.abort();
  }
}
