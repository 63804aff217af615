/* eslint-disable */
// Generated from schema/apply.schema.json by scripts/generate.mjs (npm run generate). Do not edit.
import type { Plan } from "./plan-types.js";
/**
 * What `volplan apply --json` prints: the plan apply made and what happened to each of its actions (with --dry-run, the plan alone). Compatibility, as for the plan: within one format_version, later releases only add properties to any object and values to the enumerations of kinds and codes (action kinds, refusal, warning and error codes; statuses stay as they are); anything else comes with a new format_version. Consumers ignore properties they do not know. Objects are open (no additionalProperties: false), so properties a later release adds do not make its output invalid against this schema.
 */
export interface ApplyOutput {
  /**
   * Version of this JSON format: 1. It changes only with a change a consumer would have to know about; additions keep it.
   */
  format_version: 1;
  /**
   * The plan apply carried out (schema/plan.schema.json).
   */
  plan: Plan;
  /**
   * What happened to each action of the plan; null with --dry-run, which applies nothing.
   */
  report: ApplyReportOutput | null;
}
/**
 * What apply did.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "report".
 */
export interface ApplyReportOutput {
  /**
   * One result per action of the plan, in the plan's order: results[i] is what happened to plan.actions[i].
   */
  results: ActionResultOutput[];
  totals: ApplyTotals;
  /**
   * Wall-clock milliseconds from the first step to the last.
   */
  duration_ms: number;
}
/**
 * What happened to one action of the plan.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "result".
 */
export interface ActionResultOutput {
  /**
   * The action's kind, as in the plan.
   */
  kind: string;
  /**
   * Volume id or artifact name.
   */
  subject: string;
  /**
   * Image path, or the artifact's cache path or store path.
   */
  path: string;
  /**
   * done: carried out. failed: it failed (error says why); the rest of that volume's or artifact's steps are skipped. skipped: not attempted (error says why). refused: left alone, by the plan (refusal) or because apply found it unsafe to touch just then (error). unchanged: nothing to do.
   */
  status: "done" | "failed" | "skipped" | "refused" | "unchanged";
  /**
   * Milliseconds the step ran, 0 for a step that ran nothing. The time it waited for its turn on its filesystem or for one of the --jobs slots is not counted.
   */
  duration_ms: number;
  error?: ResultError;
  /**
   * For an action the plan refused: its refusal code (the plan's action has what was found, what was declared and the fix).
   */
  refusal?: string;
  /**
   * Something worth knowing about a step that was done (a fallback taken, how a copy was made).
   */
  note?: string;
}
/**
 * Why a step failed, was skipped, or was refused while applying.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "error".
 */
export interface ResultError {
  /**
   * Stable error code, UPPER_SNAKE_CASE (NO_SPACE, IMAGE_IN_USE, PREVIOUS_STEP_FAILED, an errno such as EACCES, ...).
   */
  code: string;
  /**
   * What happened and what to do.
   */
  message: string;
}
/**
 * How many results have each status (results are steps: a volume may have several).
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "totals".
 */
export interface ApplyTotals {
  done: number;
  failed: number;
  skipped: number;
  refused: number;
  unchanged: number;
}
