// Reclaiming temp files left by interrupted runs.
import { formatBytes } from "../units/size.js";
import type { ObservedTempFile, Snapshot } from "./snapshot.js";
import type { RemoveTempAction } from "./types.js";

// Why the path check: a temp file sits beside its image, so a symlinked or unsafe parent of the
// image is one of the temp file too; removing it there could delete something else.
function reclaimable(snapshot: Snapshot, temp: ObservedTempFile): boolean {
  const observed = snapshot.volumes[temp.volume];
  return !temp.live && observed !== undefined && observed.pathProblem === null;
}

/** A remove-temp action for every temp file no live volplan holds beside a safe, planned volume. */
export function planTempFiles(
  snapshot: Snapshot,
  volumes: ReadonlySet<string>,
): RemoveTempAction[] {
  return snapshot.tempFiles
    .filter((temp) => volumes.has(temp.volume) && reclaimable(snapshot, temp))
    .map((temp) => ({
      kind: "remove-temp",
      volume: temp.volume,
      path: temp.path,
      reason: `${temp.path} was left by an interrupted volplan run for volume ${temp.volume}; removing it frees ${formatBytes(temp.allocated)}`,
      consumes: { filesystem: temp.filesystem ?? "", bytes: 0 },
      frees: temp.allocated,
    }));
}
