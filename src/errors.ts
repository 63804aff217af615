// Error classes with stable codes; only the CLI turns codes into exit statuses.

/** Base class for expected failures of I/O or the host; `code` is stable, `cause` keeps the original. */
export class VolplanError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VolplanError";
    this.code = code;
  }
}
