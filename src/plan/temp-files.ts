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

/** Bytes unlinking a temp file releases: none while another name (its image, after a crash between link and unlink) keeps the inode. */
export function tempFileFrees(temp: ObservedTempFile): number {
  return (temp.nlink ?? 1) > 1 ? 0 : temp.allocated;
}

/** Temp files of `volume` that the plan reclaims and that are names of inode `ino` (its image's other names). */
export function reclaimedNamesOf(snapshot: Snapshot, volume: string, ino: number): number {
  return snapshot.tempFiles.filter(
    (temp) => temp.volume === volume && temp.ino === ino && reclaimable(snapshot, temp),
  ).length;
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
      reason:
        tempFileFrees(temp) === temp.allocated
          ? `${temp.path} was left by an interrupted volplan run for volume ${temp.volume}; removing it frees ${formatBytes(temp.allocated)}`
          : `${temp.path} was left by an interrupted volplan run for volume ${temp.volume}; it is a second name of the image, so removing it frees nothing`,
      consumes: { filesystem: temp.filesystem ?? "", bytes: 0 },
      frees: tempFileFrees(temp),
    }));
}
