// The Plan and its actions: generated from schema/plan.schema.json, re-exported with helpers.
export type * from "../generated/plan-types.js";
import type { Action } from "../generated/plan-types.js";

/** Every action kind, for exhaustive handling. */
export type ActionKind = Action["kind"];
