// `volplan apply`: under the host lock, reclaim what a killed run left, observe, probe, plan,
// apply, verify what was done, and record what observe learned. The one pipeline every writing
// command goes through.
import { applyPlan } from "../apply/apply.js";
import type { ActionResult, ApplyReport } from "../apply/report.js";
import { reclaimGrowMounts } from "../apply/grow-mounts.js";
import { nextManaged, writeManaged } from "../apply/managed-record.js";
import { probeCapabilities } from "../apply/probe-capabilities.js";
import { verifyApply } from "../apply/verify.js";
import type { ProgressEvent } from "../apply/context.js";
import type { StepHook } from "../apply/steps.js";
import { artifactFetcher } from "../artifacts/apply-fetch.js";
import { recordObservedHashes } from "../artifacts/cache-index.js";
import type { LockHolder } from "../host/lock.js";
import { acquireHostLock } from "../host/lock.js";
import { execaRunner } from "../host/runner.js";
import type { Runner } from "../host/runner.js";
import { cacheLayout, stateLayout } from "../host/state-layout.js";
import type { DesiredState } from "../manifest/desired.js";
import { readManaged } from "../observe/managed.js";
import { observe } from "../observe/observe.js";
import { syncReader } from "../observe/sync-reader.js";
import { plan as makePlan } from "../plan/plan.js";
import type { Plan } from "../plan/types.js";
import type { SavedPlan } from "../planfile/planfile.js";
import { planDifferences } from "../planfile/planfile.js";

/** How one apply runs. */
export interface ApplyHostInput {
  readonly desired: DesiredState;
  /** False when `desired` is an --only part of the manifest (then nothing is reported as undeclared). */
  readonly whole: boolean;
  /** A saved plan to apply instead of planning freely: applied only if planning again gives the same actions. */
  readonly saved?: SavedPlan;
  readonly jobs: number;
  /** Wait for another volplan (default) or fail at once. */
  readonly wait: boolean;
  readonly onWaiting?: (holder: LockHolder | null) => void;
  /** Called with the plan before anything is changed (the CLI prints it). */
  readonly onPlan?: (plan: Plan) => void | Promise<void>;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onResult?: (result: ActionResult, index: number) => void;
  readonly hook?: StepHook;
  readonly runner?: Runner;
}

/** What an apply came to. */
export type ApplyHostResult =
  /** The saved plan no longer matches the host: nothing was done. */
  | { readonly kind: "stale"; readonly plan: Plan; readonly differences: readonly string[] }
  /** The plan was carried out (report), or was infeasible and nothing was touched (report null). */
  | {
      readonly kind: "applied";
      readonly plan: Plan;
      readonly report: ApplyReport | null;
      /** Leftovers of killed runs that were cleaned up first (grow mounts). */
      readonly reclaimed: readonly string[];
    };

/** Takes the host lock and brings the host to `desired` (or to a saved plan that still holds). */
export async function applyHost(input: ApplyHostInput): Promise<ApplyHostResult> {
  const { desired } = input;
  const runner = input.runner ?? execaRunner;
  const lock = await acquireHostLock({
    stateDir: desired.stateDir,
    wait: input.wait,
    ...(input.onWaiting === undefined ? {} : { onWaiting: input.onWaiting }),
  });
  try {
    const growMounts = stateLayout(desired.stateDir).growMounts;
    const reclaimed = await reclaimGrowMounts({ growMounts, runner });
    const snapshot = await observe(desired, { holders: "writable", orphans: input.whole });
    // A saved plan is compared with a plan made as `volplan plan` made it: without probes.
    const probed =
      input.saved === undefined ? await probeCapabilities({ desired, snapshot, runner }) : snapshot;
    const plan = makePlan(desired, probed);
    if (input.saved !== undefined) {
      const differences = planDifferences(input.saved.plan, plan);
      if (differences.length > 0) return { kind: "stale", plan, differences };
    }
    await input.onPlan?.(plan);
    if (!plan.feasible) return { kind: "applied", plan, report: null, reclaimed };
    const applied = await applyPlan({
      plan,
      desired,
      options: {
        jobs: input.jobs,
        runner,
        fetchArtifact: artifactFetcher({
          desired,
          reserveOn: (id) => plan.filesystems.find((fs) => fs.id === id)?.reserve ?? 0,
          ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
        }),
        ...(input.hook === undefined ? {} : { hook: input.hook }),
        ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
        ...(input.onResult === undefined ? {} : { onResult: input.onResult }),
      },
    });
    // Apply proves its result: every volume it changed is observed again and checked against
    // what the plan promised; a mismatch fails that volume (exit 1), never "done".
    const report = await verifyApply({ plan, report: applied, desired });
    await recordObservedHashes(cacheLayout(desired.stateDir), snapshot.artifacts);
    const previous = readManaged(desired.stateDir, syncReader);
    const next = await nextManaged(desired, previous);
    await writeManaged({ stateDir: desired.stateDir, previous, next });
    return { kind: "applied", plan, report, reclaimed };
  } finally {
    lock.release();
  }
}
