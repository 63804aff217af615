// The planner: from what is declared and what was observed to a sorted, budgeted Plan. Pure.
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import { gradeOvercommit, refuseOvercommitted } from "./overcommit.js";
import { orphanWarnings } from "./orphans.js";
import { planArtifacts } from "./artifacts.js";
import { planVolume, volumeContext } from "./volume.js";
import type { Snapshot } from "./snapshot.js";
import { sortActions, sortWarnings } from "./sort-actions.js";
import { budgetAll } from "./space-budget.js";
import { sparseDeclared } from "./sparse-growth.js";
import { summarize } from "./summary.js";
import { planTempFiles } from "./temp-files.js";
import type { Action, FilesystemBudget, Plan, PlanWarning } from "./types.js";

// Every action and warning before the budget is applied.
function draft(input: {
  desired: DesiredState;
  volumes: readonly DesiredVolume[];
  snapshot: Snapshot;
}) {
  const actions: Action[] = [];
  const warnings: PlanWarning[] = [];
  const volumes = input.volumes;
  for (let i = 0; i < volumes.length; i++) {
    const result = planVolume(volumeContext(volumes[i] as DesiredVolume, input.snapshot));
    // Most volumes yield one action and no warning: no spread (an iterator) per volume.
    for (const action of result.actions) actions.push(action);
    for (const warning of result.warnings) warnings.push(warning);
  }
  if (input.snapshot.tempFiles.length > 0) {
    const ids = new Set(volumes.map((v) => v.id));
    for (const action of planTempFiles(input.snapshot, ids)) actions.push(action);
  }
  const artifacts = input.desired.artifacts;
  if (artifacts.length > 0) {
    for (const action of planArtifacts({ artifacts, observed: input.snapshot.artifacts }))
      actions.push(action);
  }
  return { actions: sortActions(actions), warnings };
}

/** The plan that makes the host match `desired`, given what `snapshot` observed. Pure and deterministic. */
export function plan(desired: DesiredState, snapshot: Snapshot): Plan {
  const volumes = desired.volumes;
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
  const warnings = [...first.warnings, ...orphanWarnings(snapshot)];
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
      return { ...rest, sparse_declared: declared, overcommit: graded.grade, consumers };
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
