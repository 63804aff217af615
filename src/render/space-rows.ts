// Rows of the per-filesystem space table, shared by the text and Markdown views.
import { formatBytes } from "../units/size.js";
import type { FilesystemBudget } from "../plan/types.js";

/** One filesystem's budget as display strings. */
export interface SpaceRow {
  readonly filesystem: string;
  readonly free: string;
  readonly needed: string;
  readonly reserve: string;
  /** "12 GiB", or "short by 3 MiB" when infeasible. */
  readonly remaining: string;
  readonly feasible: boolean;
  /** "web/root create 20 MiB" for each action needing space here, largest first. */
  readonly consumers: readonly string[];
  /** Sparse overcommit note, or null. */
  readonly overcommit: string | null;
}

/** Display strings for one filesystem budget. */
export function spaceRow(fs: FilesystemBudget): SpaceRow {
  const remaining = fs.feasible
    ? formatBytes(Math.max(0, fs.remaining))
    : `short by ${formatBytes(Math.max(0, -fs.remaining))}`;
  const overcommit =
    fs.overcommit === "none"
      ? null
      : `sparse volumes could still grow by ${formatBytes(fs.sparseDeclared)} here (overcommit: ${fs.overcommit})`;
  return {
    filesystem: `${fs.mountPoint} (${fs.fsType})`,
    // What the plan's temp-file reclaims free first counts as free too (remaining includes it).
    free:
      fs.freed === undefined
        ? formatBytes(fs.free)
        : `${formatBytes(fs.free)} + ${formatBytes(fs.freed)} reclaimed`,
    needed: formatBytes(fs.needed),
    reserve: formatBytes(fs.reserve),
    remaining,
    feasible: fs.feasible,
    consumers: fs.consumers.map((c) => `${c.subject} ${c.kind} ${formatBytes(c.bytes)}`),
    overcommit,
  };
}
