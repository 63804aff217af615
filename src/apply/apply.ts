// applyPlan: runs a plan's actions with per-volume order, per-filesystem space discipline and --jobs parallelism.
import pLimit from "p-limit";
import type { DesiredState } from "../manifest/desired.js";
import type { Action, Plan } from "../plan/types.js";
import type { ApplyContext, ProgressEvent } from "./context.js";
import { classifyError } from "./classify-error.js";
import type { ArtifactFetcher } from "./execute.js";
import { consumesSpace, executionOf } from "./execute.js";
import { freeBytesAt } from "./host-fs.js";
import type { ActionResult, ApplyReport } from "./report.js";
import { totalsOf } from "./report.js";
import { execaRunner } from "./runner.js";
import type { Runner } from "./runner.js";
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
  readonly freeBytes?: (path: string) => Promise<number>;
}

function subjectOf(action: Action): string {
  return "volume" in action ? action.volume : action.artifact;
}

interface Slot {
  readonly index: number;
  readonly action: Action;
  readonly ticket: number | null;
}

// Actions of one volume or artifact run in plan order; a failure skips that subject's later steps.
function chainsOf(plan: Plan, ledger: SpaceLedger): Slot[][] {
  const chains = new Map<string, Slot[]>();
  plan.actions.forEach((action, index) => {
    // A temp file is its own chain: reclaiming it neither waits for nor blocks its volume.
    const key =
      action.kind === "remove-temp"
        ? `t:${action.path}`
        : `${"volume" in action ? "v" : "a"}:${subjectOf(action)}`;
    const ticket = consumesSpace(action) ? ledger.issue(action.consumes.filesystem) : null;
    chains.set(key, [...(chains.get(key) ?? []), { index, action, ticket }]);
  });
  return [...chains.values()];
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
    return { results, totals: totalsOf(results), durationMs: performance.now() - started };
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
  return { results, totals: totalsOf(results), durationMs: performance.now() - started };
}

type SlotRunner = (slot: Slot, blocked: string | null) => Promise<boolean>;

async function runChain(chain: readonly Slot[], runSlot: SlotRunner): Promise<void> {
  let blocked: string | null = null;
  for (const slot of chain) {
    const ok = await runSlot(slot, blocked);
    if (!ok && blocked === null)
      blocked = `${slot.action.kind} of ${subjectOf(slot.action)} did not complete`;
  }
}

function makeSlotRunner(deps: {
  ctx: ApplyContext;
  ledger: SpaceLedger;
  limit: ReturnType<typeof pLimit>;
  record: (slot: Slot, partial: Omit<ActionResult, "kind" | "subject" | "path">) => void;
  fetchArtifact: ArtifactFetcher | undefined;
}): SlotRunner {
  const { ctx, ledger, limit, record } = deps;
  return async (slot, blocked) => {
    const { action, ticket } = slot;
    const filesystem = action.consumes.filesystem;
    const began = performance.now();
    const elapsed = (): number => Math.round(performance.now() - began);
    try {
      if (blocked !== null) {
        record(slot, {
          status: "skipped",
          durationMs: 0,
          error: { code: "PREVIOUS_STEP_FAILED", message: `skipped: ${blocked}` },
        });
        return false;
      }
      const execution = executionOf({ action, ctx, fetchArtifact: deps.fetchArtifact });
      if ("immediate" in execution) {
        record(slot, {
          status: execution.immediate,
          durationMs: 0,
          ...(execution.error === undefined ? {} : { error: execution.error }),
        });
        return execution.immediate === "unchanged";
      }
      if (ticket !== null)
        await ledger.begin({
          filesystem,
          ticket,
          bytes: action.consumes.bytes,
          subject: subjectOf(action),
          path: action.path,
        });
      const outcome = await limit(execution.run);
      record(slot, {
        status: "done",
        durationMs: elapsed(),
        ...(outcome.note === undefined ? {} : { note: outcome.note }),
      });
      return true;
    } catch (error) {
      const classified = classifyError(error);
      if (classified.noSpace && ticket !== null) ledger.exhaust(filesystem, classified.message);
      record(slot, {
        status: classified.status,
        durationMs: elapsed(),
        error: { code: classified.code, message: classified.message },
      });
      return false;
    } finally {
      if (ticket !== null) ledger.end(filesystem, ticket);
    }
  };
}
