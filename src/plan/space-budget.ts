// The space budget: what the plan's actions allocate on each host filesystem, against its free space.
import type { Reserve } from "../manifest/desired.js";
import { compareText, subjectOf } from "./sort-actions.js";
import type { Snapshot } from "./snapshot.js";
import type { Action, FilesystemBudget } from "./types.js";

/** A budget before the overcommit grade is known. */
export type BaseBudget = Omit<FilesystemBudget, "sparse_declared" | "overcommit">;

/** Bytes policy.reserve keeps free on a filesystem of `total` bytes. */
export function reserveBytes(reserve: Reserve, total: number): number {
  return reserve.kind === "bytes" ? reserve.bytes : Math.ceil((total * reserve.percent) / 100);
}

type Consumer = FilesystemBudget["consumers"][number];

// Largest first, then by subject and kind.
function compareConsumers(a: Consumer, b: Consumer): number {
  return b.bytes - a.bytes || compareText(a.subject, b.subject) || compareText(a.kind, b.kind);
}

function consumersOf(actions: readonly Action[], id: string): Consumer[] {
  return actions
    .filter((a) => a.consumes.filesystem === id && a.consumes.bytes > 0)
    .map((a) => ({ subject: subjectOf(a), kind: a.kind, bytes: a.consumes.bytes }))
    .sort(compareConsumers);
}

// Bytes the plan's temp-file reclaims release on filesystem `id`. Why they count: apply runs every
// remove-temp before anything that consumes space, so a leftover of a killed run never makes a plan
// infeasible that its reclaim would make fit.
function freedOn(actions: readonly Action[], id: string): number {
  let freed = 0;
  for (const action of actions)
    if (action.kind === "remove-temp" && action.consumes.filesystem === id) freed += action.frees;
  return freed;
}

// The budget of one filesystem from its consumers, already sorted.
function budgetOf(input: {
  id: string;
  consumers: Consumer[];
  freed: number;
  snapshot: Snapshot;
  reserve: Reserve;
}): BaseBudget {
  const fs = input.snapshot.filesystems[input.id];
  const total = fs?.total ?? 0;
  const free = fs?.free ?? 0;
  const reserve = reserveBytes(input.reserve, total);
  const consumers = input.consumers;
  const needed = consumers.reduce((sum, c) => sum + c.bytes, 0);
  const remaining = free + input.freed - reserve - needed;
  return {
    id: input.id,
    mount_point: fs?.mountPoint ?? "",
    fs_type: fs?.type ?? "unknown",
    total,
    free,
    reserve,
    ...(input.freed > 0 ? { freed: input.freed } : {}),
    needed,
    remaining,
    feasible: !(needed > 0 && remaining < 0),
    consumers,
  };
}

/** The budget of one filesystem; one that was not observed has no known free space. */
export function budgetFor(input: {
  id: string;
  actions: readonly Action[];
  snapshot: Snapshot;
  reserve: Reserve;
}): BaseBudget {
  const consumers = consumersOf(input.actions, input.id);
  const freed = freedOn(input.actions, input.id);
  return budgetOf({ ...input, consumers, freed });
}

/** Budgets of every filesystem the actions touch, sorted by id (one pass over the actions). */
export function budgetAll(input: {
  actions: readonly Action[];
  snapshot: Snapshot;
  reserve: Reserve;
}): BaseBudget[] {
  // Consumers per touched filesystem in action order; an unknown filesystem ("") only matters when
  // something would be written there.
  const byId = new Map<string, Consumer[]>();
  for (const action of input.actions) {
    const { filesystem, bytes } = action.consumes;
    if (filesystem === "" && !(bytes > 0)) continue;
    let list = byId.get(filesystem);
    if (list === undefined) {
      list = [];
      byId.set(filesystem, list);
    }
    if (bytes > 0) list.push({ subject: subjectOf(action), kind: action.kind, bytes });
  }
  const ids = [...byId.keys()].sort(compareText);
  return ids.map((id) =>
    budgetOf({
      id,
      consumers: (byId.get(id) ?? []).sort(compareConsumers),
      freed: freedOn(input.actions, id),
      snapshot: input.snapshot,
      reserve: input.reserve,
    }),
  );
}

/** Bytes missing on an infeasible filesystem (0 when it fits): what must be freed for the plan to apply. */
export function shortfall(budget: Pick<FilesystemBudget, "feasible" | "remaining">): number {
  return budget.feasible ? 0 : -budget.remaining;
}
