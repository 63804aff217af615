// Rows of the per-filesystem space table, shared by the text and Markdown views.
import { formatBytes } from "../units/size.js";
import type { Action, FilesystemBudget } from "../plan/types.js";

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
  /** Which actions here write an amount not known in advance, or null. */
  readonly unsized: string | null;
}

/** Subjects writing an amount not known in advance on filesystem `id` (artifacts without a declared size). */
export function unsizedOn(actions: readonly Action[], id: string): string[] {
  return actions
    .filter((a) => a.consumes.filesystem === id && a.consumes.size_unknown === true)
    .map((a) => ("artifact" in a ? `artifact ${a.artifact}` : a.volume));
}

/** Display strings for one filesystem budget; `unsized` from unsizedOn. */
export function spaceRow(fs: FilesystemBudget, unsized: readonly string[] = []): SpaceRow {
  const remaining = fs.feasible
    ? formatBytes(Math.max(0, fs.remaining))
    : `short by ${formatBytes(Math.max(0, -fs.remaining))}`;
  const overcommit =
    fs.overcommit === "none"
      ? null
      : `sparse volumes could still grow by ${formatBytes(fs.sparse_declared)} here (overcommit: ${fs.overcommit})`;
  return {
    filesystem: `${fs.mount_point} (${fs.fs_type})`,
    // What the plan's temp-file reclaims free first counts as free too (remaining includes it).
    free:
      fs.freed === undefined
        ? formatBytes(fs.free)
        : `${formatBytes(fs.free)} + ${formatBytes(fs.freed)} reclaimed`,
    needed: neededText(fs.needed, unsized),
    reserve: formatBytes(fs.reserve),
    remaining,
    feasible: fs.feasible,
    consumers: fs.consumers.map((c) => `${c.subject} ${c.kind} ${formatBytes(c.bytes)}`),
    overcommit,
    unsized:
      unsized.length === 0
        ? null
        : `size unknown: ${unsized.join(", ")} (not in needed; declare size to budget it)`,
  };
}

// "unknown" rather than "0 B" when all that is written here is of unknown size.
function neededText(needed: number, unsized: readonly string[]): string {
  if (unsized.length === 0) return formatBytes(needed);
  return needed === 0 ? "unknown" : `${formatBytes(needed)} + unknown`;
}
