// `volplan plan`: observe the host (reading only) and plan against it.
import type { DesiredState } from "../manifest/desired.js";
import { observe } from "../observe/observe.js";
import { plan } from "../plan/plan.js";
import type { Snapshot } from "../plan/snapshot.js";
import type { Plan } from "../plan/types.js";

/** A plan with the snapshot it was made from (a saved plan fingerprints it). */
export interface Planned {
  readonly snapshot: Snapshot;
  readonly plan: Plan;
}

/**
 * Observes and plans without writing anything and without probing (probes write files of their
 * own): capabilities stay unknown, so the budget is the cautious one.
 */
export async function planHost(
  desired: DesiredState,
  scope: { readonly whole: boolean } = { whole: true },
): Promise<Planned> {
  // Holders only of images the plan may write into: all the planner reads. Orphans only for the
  // whole manifest: what an --only part leaves out is not undeclared.
  const snapshot = await observe(desired, { holders: "writable", orphans: scope.whole });
  return { snapshot, plan: plan(desired, snapshot) };
}
