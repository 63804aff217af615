// Sparse overcommit: grading it per filesystem and, under policy "refuse", refusing what exceeds it.
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import { formatBytes } from "../units/size.js";
import { refuse } from "./refuse-location.js";
import { existingSparse, sparseGrowthOf } from "./sparse-growth.js";
import { volumeContext } from "./volume.js";
import type { Snapshot } from "./snapshot.js";
import type { Action, FilesystemBudget, PlanWarning } from "./types.js";

function mountName(snapshot: Snapshot, id: string): string {
  return snapshot.filesystems[id]?.mountPoint ?? (id === "" ? "an unknown filesystem" : id);
}

// Replaces one volume's growth or creation with an overcommit refusal.
function refuseOvercommit(input: {
  action: Action;
  volumes: readonly DesiredVolume[];
  snapshot: Snapshot;
  cumulative: number;
  remaining: number;
}): Action {
  const { action, snapshot } = input;
  const volume = input.volumes.find((v) => "volume" in action && v.id === action.volume);
  if (volume === undefined) return action;
  const ctx = volumeContext(volume, snapshot);
  const where = mountName(snapshot, ctx.filesystem);
  const left = formatBytes(Math.max(0, input.remaining));
  const doing =
    action.kind === "grow-image"
      ? `growing ${volume.path} to ${formatBytes(volume.size)}`
      : `creating ${volume.path} (${formatBytes(volume.size)} sparse)`;
  return refuse(ctx, {
    refusal: "overcommit",
    statement: `${doing} would let sparse volumes on ${where} grow by ${formatBytes(input.cumulative)}, more than the ${left} left after this plan, and policy.overcommit is "refuse"`,
    found: `${left} left on ${where} after this plan`,
    declared: `sparse volumes that could grow by ${formatBytes(input.cumulative)}`,
    fix: `free space on ${where}, declare a smaller size or allocation = "preallocate", or set policy.overcommit = "warn"`,
  });
}

/** Under policy "refuse", refuses sparse creates and grows (in plan order) from the first that exceeds `remaining`. */
export function refuseOvercommitted(input: {
  actions: readonly Action[];
  volumes: readonly DesiredVolume[];
  snapshot: Snapshot;
  remaining: ReadonlyMap<string, number>;
}): { actions: Action[]; refusedOn: Set<string> } {
  const volumes = input.volumes;
  const cumulative = existingSparse(volumes, input.snapshot);
  const refusedOn = new Set<string>();
  const refusedVolumes = new Set<string>();
  const out: Action[] = [];
  for (const action of input.actions) {
    const id = action.consumes.filesystem;
    const growth = sparseGrowthOf(action, input.snapshot);
    if (
      "volume" in action &&
      action.kind === "grow-filesystem" &&
      refusedVolumes.has(action.volume)
    )
      continue;
    if (growth === 0 || !("volume" in action)) {
      out.push(action);
      continue;
    }
    const total = (cumulative.get(id) ?? 0) + growth;
    const remaining = input.remaining.get(id) ?? 0;
    if (refusedOn.has(id) || total > remaining) {
      refusedOn.add(id);
      refusedVolumes.add(action.volume);
      out.push(
        refuseOvercommit({
          action,
          volumes,
          snapshot: input.snapshot,
          cumulative: total,
          remaining,
        }),
      );
      continue;
    }
    cumulative.set(id, total);
    out.push(action);
  }
  return { actions: out, refusedOn };
}

/** The grade of one filesystem and its warning, if any. */
export function gradeOvercommit(input: {
  policy: DesiredState["policy"]["overcommit"];
  budget: Pick<FilesystemBudget, "id" | "mount_point" | "remaining">;
  sparse: number;
  refused: boolean;
}): { grade: FilesystemBudget["overcommit"]; warning: PlanWarning | null } {
  const { budget, sparse } = input;
  if (input.policy === "ignore") return { grade: "none", warning: null };
  if (input.refused) return { grade: "refuse", warning: null };
  if (sparse <= budget.remaining) return { grade: "none", warning: null };
  const where = budget.mount_point === "" ? budget.id : budget.mount_point;
  const ratio =
    budget.remaining > 0
      ? `, ${(sparse / budget.remaining).toFixed(1)}× the ${formatBytes(budget.remaining)} left after this plan`
      : ", and no space is left after this plan";
  return {
    grade: "warn",
    warning: {
      code: "overcommit",
      subject: budget.id,
      message: `sparse volumes on ${where} could grow by ${formatBytes(sparse)}${ratio}. Guests that fill them would run ${where} out of space: free space, lower sizes, use allocation = "preallocate", or set policy.overcommit = "ignore".`,
    },
  };
}
