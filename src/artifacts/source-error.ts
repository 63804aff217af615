// Why one download attempt failed, and whether retrying the same URL can help.
import { VolplanError } from "../errors.js";

/** A failed attempt: `retry` says whether the same URL is worth another try. */
export class SourceError extends VolplanError {
  readonly retry: boolean;
  /** HTTP status when the server answered with an error status. */
  readonly status: number | null;

  constructor(input: {
    code: string;
    message: string;
    retry: boolean;
    cause?: unknown;
    status?: number;
  }) {
    super(input.code, input.message, { cause: input.cause });
    this.name = "SourceError";
    this.retry = input.retry;
    this.status = input.status ?? null;
  }
}

/** Statuses a server may answer differently a moment later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** A network error (ECONNREFUSED, a reset, a TLS failure), as a retryable SourceError. */
export function networkError(url: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const detail =
    typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
  return new SourceError({
    code: "DOWNLOAD_NETWORK",
    message: `${url}: transfer failed (${detail})`,
    retry: true,
    cause: error,
  });
}
