// Runs the actions of one plan as chains (per volume or artifact) of slots, with the space ledger and --jobs limit.
import type pLimit from "p-limit";
import type { Action, Plan } from "../plan/types.js";
import { classifyError } from "./classify-error.js";
import type { ApplyContext } from "./context.js";
import type { ArtifactFetcher } from "./execute.js";
import { consumesSpace, executionOf } from "./execute.js";
import type { ActionResult } from "./report.js";
import type { SpaceLedger } from "./space-ledger.js";

/** Volume id or artifact name of an action. */
export function subjectOf(action: Action): string {
  return "volume" in action ? action.volume : action.artifact;
}

/** One action with its place in the plan and its ticket on its filesystem (null when it uses no space). */
export interface Slot {
  readonly index: number;
  readonly action: Action;
  readonly ticket: number | null;
}

/** Groups actions per volume or artifact in plan order, issuing filesystem tickets in plan order. */
export function chainsOf(plan: Plan, ledger: SpaceLedger): Slot[][] {
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

/** Runs one slot; resolves false when the chain must stop. */
export type SlotRunner = (slot: Slot, blocked: string | null) => Promise<boolean>;

/** Runs a chain in order; after a failure its later steps are skipped. */
export async function runChain(chain: readonly Slot[], runSlot: SlotRunner): Promise<void> {
  let blocked: string | null = null;
  for (const slot of chain) {
    const ok = await runSlot(slot, blocked);
    if (!ok && blocked === null)
      blocked = `${slot.action.kind} of ${subjectOf(slot.action)} did not complete`;
  }
}

/** The slot runner: blocked chains skip, refusals and no-ops record at once, space users wait their turn. */
export function makeSlotRunner(deps: {
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
    // The step's own time: from when it starts running, not while it waits for its turn on the
    // space ledger or for a --jobs slot (a failure before it starts took no time of its own).
    let began: number | null = null;
    const elapsed = (): number => (began === null ? 0 : Math.round(performance.now() - began));
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
      const outcome = await limit(() => {
        began = performance.now();
        return execution.run();
      });
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
