// The error observe throws when the host cannot be read (not "missing", which is data).
import { VolplanError } from "../errors.js";

/** A VolplanError for a failed read of `path`, keeping the original as cause. */
export function observeError(what: string, path: string, cause: unknown): VolplanError {
  const reason = (cause as NodeJS.ErrnoException | null)?.code ?? String(cause);
  return new VolplanError(
    "OBSERVE_READ_FAILED",
    `cannot ${what} ${path} (${reason}); volplan only reads while observing, so check that it runs as root and the path is readable`,
    { cause },
  );
}
