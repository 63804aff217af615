// ApplyReport: what apply did to each action of a plan; partial failure is data, not an exception.
import type { ActionKind } from "../plan/types.js";

/** Outcome of one action. */
export type ActionStatus = "done" | "failed" | "skipped" | "refused" | "unchanged";

/** What happened to one action of the plan, in plan order. */
export interface ActionResult {
  readonly kind: ActionKind;
  /** Volume id or artifact name. */
  readonly subject: string;
  readonly path: string;
  readonly status: ActionStatus;
  readonly durationMs: number;
  /** Why it failed, was skipped or refused. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Something worth knowing about a successful action (a fallback strategy taken). */
  readonly note?: string;
}

/** Per-status counts. */
export type ApplyTotals = Readonly<Record<ActionStatus, number>>;

/** The result of applying a plan. */
export interface ApplyReport {
  readonly results: readonly ActionResult[];
  readonly totals: ApplyTotals;
  readonly durationMs: number;
}

/** Counts results by status. */
export function totalsOf(results: readonly ActionResult[]): ApplyTotals {
  const totals = { done: 0, failed: 0, skipped: 0, refused: 0, unchanged: 0 };
  for (const result of results) totals[result.status] += 1;
  return totals;
}
