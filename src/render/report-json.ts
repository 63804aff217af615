// The machine view of an apply: the plan and the report as schema/apply.schema.json describes them
// (snake_case keys like the plan's; a refusal the plan made carries its code as `refusal`).
import type { ActionResult, ApplyReport } from "../apply/report.js";
import type {
  ActionResultOutput,
  ApplyOutput,
  ApplyReportOutput,
} from "../generated/apply-types.js";
import type { Plan } from "../plan/types.js";

function resultOutput(result: ActionResult): ActionResultOutput {
  const { error, note } = result;
  // A refusal the plan made: its code is the plan's refusal code, its text the plan's action's.
  const planned = result.kind === "refuse" || result.kind === "artifact-refuse";
  return {
    kind: result.kind,
    subject: result.subject,
    path: result.path,
    status: result.status,
    duration_ms: Math.max(0, Math.round(result.durationMs)),
    ...(error === undefined ? {} : planned ? { refusal: error.code } : { error: { ...error } }),
    ...(note === undefined ? {} : { note }),
  };
}

function reportOutput(report: ApplyReport): ApplyReportOutput {
  return {
    results: report.results.map(resultOutput),
    totals: { ...report.totals },
    duration_ms: Math.max(0, Math.round(report.durationMs)),
  };
}

/** `volplan apply --json`'s document; `report` is null for --dry-run. */
export function applyDocument(plan: Plan, report: ApplyReport | null): ApplyOutput {
  return {
    format_version: 1,
    plan,
    report: report === null ? null : reportOutput(report),
  };
}
