// What becomes of a partial download when its transfer fails: kept for a resume, or removed.
import { unlink } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { RoomError } from "./cache-room.js";

/**
 * The error to report for a failed download. A partial stopped by a full filesystem (or its
 * reserve) is removed: kept, it would hold the space every later plan needs and make it
 * infeasible. Any other failure keeps it for a resume, as does a download refused before it
 * wrote; an empty partial (no mirror answered) is removed too: there is nothing to resume.
 */
export async function keepOrDrop(input: {
  readonly error: unknown;
  readonly partial: string;
  readonly metaPath: string;
  readonly name: string;
  /** Bytes in the partial now. */
  readonly size: number;
  /** The command that fetches it again. */
  readonly retry: string;
}): Promise<unknown> {
  const { error, name } = input;
  if (input.size === 0) await discard(input.partial, input.metaPath);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const full = code === "ENOSPC" || code === "EDQUOT";
  if (error instanceof RoomError) {
    if (error.started) await discard(input.partial, input.metaPath);
    const fate = error.started
      ? "the partial download was removed so it does not hold the space"
      : "nothing was written";
    return new VolplanError(
      "ARTIFACT_RESERVE",
      `artifact ${name}: ${error.message}; ${fate}. Free space on the filesystem of the cache (or lower policy.reserve, or move stateDir), then run ${input.retry} again.`,
      { cause: error },
    );
  }
  if (!full) return error;
  await discard(input.partial, input.metaPath);
  return new VolplanError(
    "ARTIFACT_NO_SPACE",
    `artifact ${name}: the filesystem of the artifact cache is full (${code}); the partial download was removed so it does not hold the space. Free space there or move stateDir, then run ${input.retry} again.`,
    { cause: error },
  );
}

/** Removes a partial and its metadata (missing is fine). */
export async function discard(partial: string, metaPath: string): Promise<void> {
  await unlink(partial).catch(() => undefined);
  await unlink(metaPath).catch(() => undefined);
}
