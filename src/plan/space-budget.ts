// The space budget: what the plan's actions allocate on each host filesystem, against its free space.
import type { Reserve } from "../manifest/desired.js";
import { compareText, subjectOf } from "./sort-actions.js";
import type { Snapshot } from "./snapshot.js";
import type { Action, FilesystemBudget } from "./types.js";

/** A budget before the overcommit grade is known. */
export type BaseBudget = Omit<FilesystemBudget, "sparseDeclared" | "overcommit">;

/** Bytes policy.reserve keeps free on a filesystem of `total` bytes. */
export function reserveBytes(reserve: Reserve, total: number): number {
  return reserve.kind === "bytes" ? reserve.bytes : Math.ceil((total * reserve.percent) / 100);
}

/** Ids of the filesystems the actions touch, sorted. */
export function touchedFilesystems(actions: readonly Action[]): string[] {
  const ids = new Set<string>();
  for (const action of actions) {
    // An unknown filesystem ("") only matters when something would be written there.
    if (action.consumes.filesystem !== "" || action.consumes.bytes > 0)
      ids.add(action.consumes.filesystem);
  }
  return [...ids].sort(compareText);
}

function consumersOf(actions: readonly Action[], id: string): FilesystemBudget["consumers"] {
  return actions
    .filter((a) => a.consumes.filesystem === id && a.consumes.bytes > 0)
    .map((a) => ({ subject: subjectOf(a), kind: a.kind, bytes: a.consumes.bytes }))
    .sort(
      (a, b) =>
        b.bytes - a.bytes || compareText(a.subject, b.subject) || compareText(a.kind, b.kind),
    );
}

/** The budget of one filesystem; one that was not observed has no known free space. */
export function budgetFor(input: {
  id: string;
  actions: readonly Action[];
  snapshot: Snapshot;
  reserve: Reserve;
}): BaseBudget {
  const fs = input.snapshot.filesystems[input.id];
  const total = fs?.total ?? 0;
  const free = fs?.free ?? 0;
  const reserve = reserveBytes(input.reserve, total);
  const consumers = consumersOf(input.actions, input.id);
  const needed = consumers.reduce((sum, c) => sum + c.bytes, 0);
  const remaining = free - reserve - needed;
  return {
    id: input.id,
    mountPoint: fs?.mountPoint ?? "",
    fsType: fs?.type ?? "unknown",
    total,
    free,
    reserve,
    needed,
    remaining,
    feasible: !(needed > 0 && remaining < 0),
    consumers,
  };
}

/** Budgets of every filesystem the actions touch, sorted by id. */
export function budgetAll(input: {
  actions: readonly Action[];
  snapshot: Snapshot;
  reserve: Reserve;
}): BaseBudget[] {
  return touchedFilesystems(input.actions).map((id) => budgetFor({ ...input, id }));
}

/** Bytes missing on an infeasible filesystem (0 when it fits): what must be freed for the plan to apply. */
export function shortfall(budget: Pick<FilesystemBudget, "feasible" | "remaining">): number {
  return budget.feasible ? 0 : -budget.remaining;
}
