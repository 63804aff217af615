// Turns an executor's error into a report entry: a stable code, a message, and the status it means.
import { VolplanError } from "../errors.js";
import type { ActionStatus } from "./report.js";
import { isNoSpace } from "../host/runner.js";

/** How an error shows in the ApplyReport. */
export interface ClassifiedError {
  readonly status: ActionStatus;
  readonly code: string;
  readonly message: string;
  /** The filesystem ran out of space: later space-consuming steps there are skipped. */
  readonly noSpace: boolean;
}

// Errors that mean "left alone for now", not "broken": the image became busy or has other
// names (hard links), or the run was stopped on a full filesystem before the step began.
const REFUSED = new Set(["IMAGE_IN_USE", "TEMP_FILE_LIVE", "HARD_LINKED"]);
const SKIPPED = new Set(["FILESYSTEM_EXHAUSTED", "NO_SPACE"]);

/** Classifies anything an executor threw. */
export function classifyError(error: unknown): ClassifiedError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof VolplanError) {
    const noSpace = error.code === "NO_SPACE" || isNoSpace(error);
    const status = REFUSED.has(error.code)
      ? "refused"
      : SKIPPED.has(error.code)
        ? "skipped"
        : "failed";
    return {
      status,
      code: noSpace && !SKIPPED.has(error.code) ? "NO_SPACE" : error.code,
      message,
      noSpace,
    };
  }
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  if (errno === "ENOSPC") return { status: "failed", code: "NO_SPACE", message, noSpace: true };
  // The plan refuses sizes beyond the largest file it knows the host filesystem holds; this is
  // for a filesystem whose bound it does not know.
  if (errno === "EFBIG") {
    const why = `${message}: the filesystem holding the image cannot hold a file this large. Lower size, or keep the image on a filesystem that holds larger files (xfs, btrfs, or ext4 with 4 KiB blocks).`;
    return { status: "failed", code: "FILE_TOO_LARGE", message: why, noSpace: false };
  }
  return { status: "failed", code: errno ?? "UNEXPECTED", message, noSpace: false };
}
