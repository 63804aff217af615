// The planner: from what is declared and what was observed to a sorted, budgeted Plan. Pure.
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import { gradeOvercommit, refuseOvercommitted } from "./overcommit.js";
import { planArtifacts } from "./plan-artifacts.js";
import { planVolume, volumeContext } from "./plan-volume.js";
import type { Snapshot } from "./snapshot.js";
import { sortActions, sortWarnings } from "./sort-actions.js";
import { budgetAll } from "./space-budget.js";
import { sparseDeclared } from "./sparse-growth.js";
import { summarize } from "./summary.js";
import { planTempFiles } from "./temp-files.js";
import type { Action, FilesystemBudget, Plan, PlanOptions, PlanWarning } from "./types.js";

// The volumes to plan: all, or those named by options.only.
function selectVolumes(desired: DesiredState, options: PlanOptions): readonly DesiredVolume[] {
  if (options.only === undefined) return desired.volumes;
  const wanted = new Set(options.only);
  return desired.volumes.filter((v) => wanted.has(v.id));
}

// Every action and warning before the budget is applied.
function draft(input: {
  desired: DesiredState;
  volumes: readonly DesiredVolume[];
  snapshot: Snapshot;
}) {
  const actions: Action[] = [];
  const warnings: PlanWarning[] = [];
  for (const volume of input.volumes) {
    const result = planVolume(volumeContext(volume, input.snapshot));
    actions.push(...result.actions);
    warnings.push(...result.warnings);
  }
  actions.push(...planTempFiles(input.snapshot, new Set(input.volumes.map((v) => v.id))));
  actions.push(
    ...planArtifacts({ artifacts: input.desired.artifacts, observed: input.snapshot.artifacts }),
  );
  return { actions: sortActions(actions), warnings };
}

/** The plan that makes the host match `desired`, given what `snapshot` observed. Pure and deterministic. */
export function plan(desired: DesiredState, snapshot: Snapshot, options: PlanOptions = {}): Plan {
  const volumes = selectVolumes(desired, options);
  const first = draft({ desired, volumes, snapshot });
  const { reserve, overcommit } = desired.policy;
  let actions = first.actions;
  let refusedOn = new Set<string>();
  if (overcommit === "refuse") {
    const remaining = new Map(
      budgetAll({ actions, snapshot, reserve }).map((b) => [b.id, b.remaining]),
    );
    const refused = refuseOvercommitted({ actions, volumes, snapshot, remaining });
    actions = sortActions(refused.actions);
    refusedOn = refused.refusedOn;
  }
  const sparse = sparseDeclared({ volumes, snapshot, actions });
  const warnings = [...first.warnings];
  const filesystems: FilesystemBudget[] = budgetAll({ actions, snapshot, reserve }).map(
    (budget) => {
      const declared = sparse.get(budget.id) ?? 0;
      const graded = gradeOvercommit({
        policy: overcommit,
        budget,
        sparse: declared,
        refused: refusedOn.has(budget.id),
      });
      if (graded.warning !== null) warnings.push(graded.warning);
      const { consumers, ...rest } = budget;
      // Key order follows the schema, so JSON output reads in the documented order.
      return { ...rest, sparseDeclared: declared, overcommit: graded.grade, consumers };
    },
  );
  return {
    format_version: 1,
    feasible: filesystems.every((fs) => fs.feasible),
    summary: summarize(actions),
    actions,
    filesystems,
    warnings: sortWarnings(warnings),
  };
}
