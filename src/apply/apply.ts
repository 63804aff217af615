// applyPlan: runs a plan's actions with per-volume order, per-filesystem space discipline and --jobs parallelism.
import pLimit from "p-limit";
import type { DesiredState } from "../manifest/desired.js";
import type { Plan } from "../plan/types.js";
import type { ApplyContext, ProgressEvent } from "./context.js";
import { OpenFiles } from "../host/open-files.js";
import { stateLayout } from "../host/state-layout.js";
import type { ArtifactFetcher } from "./execute.js";
import { freeBytesAt } from "../host/statfs.js";
import type { ActionResult, ApplyReport } from "./report.js";
import { totalsOf } from "./report.js";
import { execaRunner } from "../host/runner.js";
import type { Runner } from "../host/runner.js";
import { chainsOf, makeSlotRunner, runChain, subjectOf } from "./run-slots.js";
import type { Slot } from "./run-slots.js";
import { SpaceLedger } from "./space-ledger.js";
import { noHook } from "./steps.js";
import type { StepHook } from "./steps.js";

/** How apply runs; every effect is injectable. */
export interface ApplyOptions {
  /** Independent steps at once (default 4). */
  readonly jobs?: number;
  readonly runner?: Runner;
  /** Test-only step boundary hook (built by the CLI from VOLPLAN_TEST_STOP_AT). */
  readonly hook?: StepHook;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Called as each action finishes, in completion order. */
  readonly onResult?: (result: ActionResult, index: number) => void;
  readonly fetchArtifact?: ArtifactFetcher;
  /** Free bytes under a path (default statfs f_bavail); tests use it to run a filesystem short. */
  readonly freeBytes?: (path: string) => number | Promise<number>;
}

/** Applies `plan`; failures, skips and refusals are results in the report, not exceptions. */
export async function applyPlan(input: {
  plan: Plan;
  desired: DesiredState;
  options?: ApplyOptions;
}): Promise<ApplyReport> {
  const { plan, options = {} } = input;
  const started = performance.now();
  const ctx: ApplyContext = {
    runner: options.runner ?? execaRunner,
    hook: options.hook ?? noHook,
    onProgress: options.onProgress ?? (() => undefined),
    openFiles: new OpenFiles(),
    growMounts: stateLayout(input.desired.stateDir).growMounts,
    intents: stateLayout(input.desired.stateDir).intents,
  };
  const results: ActionResult[] = new Array<ActionResult>(plan.actions.length);
  const record = (slot: Slot, partial: Omit<ActionResult, "kind" | "subject" | "path">): void => {
    const result: ActionResult = {
      kind: slot.action.kind,
      subject: subjectOf(slot.action),
      path: slot.action.path,
      ...partial,
    };
    results[slot.index] = result;
    options.onResult?.(result, slot.index);
  };
  if (!plan.feasible) {
    plan.actions.forEach((action, index) =>
      record(
        { index, action, ticket: null },
        {
          status: "skipped",
          durationMs: 0,
          error: {
            code: "PLAN_INFEASIBLE",
            message: "the plan is infeasible; nothing was touched.",
          },
        },
      ),
    );
    return {
      results,
      totals: totalsOf(results),
      durationMs: Math.round(performance.now() - started),
    };
  }
  const ledger = new SpaceLedger({
    budgets: plan.filesystems,
    freeBytes: options.freeBytes ?? freeBytesAt,
  });
  const limit = pLimit(Math.max(1, options.jobs ?? 4));
  const chains = chainsOf(plan, ledger);
  const runSlot = makeSlotRunner({
    ctx,
    ledger,
    limit,
    record,
    fetchArtifact: options.fetchArtifact,
  });
  // Temp files go first: reclaiming them frees the space the creates that follow budget on.
  const temps = chains.filter((chain) => chain.every((slot) => slot.action.kind === "remove-temp"));
  const rest = chains.filter((chain) => !temps.includes(chain));
  await Promise.all(temps.map((chain) => runChain(chain, runSlot)));
  await Promise.all(rest.map((chain) => runChain(chain, runSlot)));
  return {
    results,
    totals: totalsOf(results),
    durationMs: Math.round(performance.now() - started),
  };
}
