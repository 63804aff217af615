// The directories volplan makes inside its state directory (grow mount points, intent records)
// are used only when they are still the real directories it made.
import { lstatSync } from "node:fs";
import { VolplanError } from "../errors.js";
import { kindOf, unsafeReason } from "../host/path-trust.js";
import { effectiveUid } from "../host/processes.js";

/**
 * Throws STATE_DIR_UNSAFE unless `dir` is missing or a directory of root (or the running user)
 * that nobody else can write. Why: volplan creates files and mount points below it, and reads
 * records that make it act on images; a symlink there would take all of that elsewhere.
 */
export function assertOwnStateDirectory(dir: string, holds: string): void {
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const uid = effectiveUid();
  const problem = !stats.isDirectory()
    ? `is ${kindOf(stats)}, not a directory`
    : unsafeReason(stats, { uid, gid: null, owner: "the user running volplan" }, true);
  if (problem === null) return;
  throw new VolplanError(
    "STATE_DIR_UNSAFE",
    `${dir} ${problem}; volplan keeps ${holds} only in a directory it made. Remove it (volplan makes it again), then run volplan apply again.`,
  );
}
