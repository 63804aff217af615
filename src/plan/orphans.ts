// Warnings for images volplan managed that the manifest no longer declares: listed, never deleted.
import { shellCommand } from "../text/shell-quote.js";
import { formatBytes } from "../units/size.js";
import type { Snapshot } from "./snapshot.js";
import type { PlanWarning } from "./types.js";

/** One warning per orphaned image, with its size and the command that removes it. */
export function orphanWarnings(snapshot: Snapshot): PlanWarning[] {
  return (snapshot.orphans ?? []).map((orphan) => ({
    code: "orphaned-image" as const,
    subject: orphan.volume,
    message: `${orphan.path} (volume ${orphan.volume}, ${formatBytes(orphan.size)}, ${formatBytes(orphan.allocated)} on disk) is no longer declared; volplan leaves it in place and never deletes it. If its data is no longer needed, remove it: ${shellCommand("rm", "--", orphan.path)}`,
  }));
}
