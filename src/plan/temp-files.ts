// Reclaiming temp files left by interrupted runs.
import { formatBytes } from "../units/size.js";
import type { Snapshot } from "./snapshot.js";
import type { RemoveTempAction } from "./types.js";

/** A remove-temp action for every temp file no live volplan holds, limited to `volumes` when given. */
export function planTempFiles(
  snapshot: Snapshot,
  volumes: ReadonlySet<string> | null,
): RemoveTempAction[] {
  return snapshot.tempFiles
    .filter((temp) => !temp.live && (volumes === null || volumes.has(temp.volume)))
    .map((temp) => ({
      kind: "remove-temp",
      volume: temp.volume,
      path: temp.path,
      reason: `${temp.path} was left by an interrupted volplan run for volume ${temp.volume}; removing it frees ${formatBytes(temp.allocated)}`,
      consumes: { filesystem: temp.filesystem ?? "", bytes: 0 },
      frees: temp.allocated,
    }));
}
