// The human view of an ApplyReport: one line per step with its status and duration, then totals.
// Apply prints it below the plan, so a refusal the plan made (with its fix) is not repeated.
import type { ActionResult, ApplyReport, ActionStatus } from "../apply/report.js";
import { escapeControls, escapeLines } from "../text/escape-controls.js";
import { palette } from "./colors.js";
import type { Palette } from "./colors.js";
import { alignColumns } from "./table.js";

function paint(status: ActionStatus, p: Palette): (text: string) => string {
  switch (status) {
    case "done":
      return p.green;
    case "failed":
      return p.red;
    case "refused":
    case "skipped":
      return p.yellow;
    case "unchanged":
      return p.dim;
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// Messages quote paths, labels and the output of tools: control characters escaped, and every
// line indented like the first, so none can pass for a result line.
function detail(result: ActionResult): string | null {
  if (result.error !== undefined)
    return escapeLines(`${result.error.message} [${result.error.code}]`, "    ");
  return result.note === undefined ? null : escapeLines(result.note, "    ");
}

// A refusal the plan made: the plan above lists it with what was found and the fix.
function plannedRefusal(result: ActionResult): boolean {
  return result.kind === "refuse" || result.kind === "artifact-refuse";
}

// "Apply: 6 steps, 4 done, 2 refused (listed in the plan), in 165 ms.": every count is of steps.
function totalsLine(report: ApplyReport): string {
  const t = report.totals;
  const order: ActionStatus[] = ["done", "failed", "refused", "skipped", "unchanged"];
  const steps = order.reduce((sum, s) => sum + t[s], 0);
  const planned = report.results.filter(plannedRefusal).length;
  const counts = order
    .filter((s) => t[s] > 0)
    .map((s) => `${t[s]} ${s}${s === "refused" && planned > 0 ? " (listed in the plan)" : ""}`);
  const time = duration(report.durationMs);
  if (steps === 0) return `Apply: nothing to do in ${time}.`;
  return `Apply: ${steps} ${steps === 1 ? "step" : "steps"}, ${counts.join(", ")}, in ${time}.`;
}

/** Renders the report; unchanged steps are counted, not listed, unless `verbose`; refusals the plan made are counted only. */
export function renderReportText(
  report: ApplyReport,
  options: { readonly color: boolean; readonly verbose: boolean },
): string {
  const p = palette(options.color);
  const shown = report.results.filter(
    (r) => !plannedRefusal(r) && (options.verbose || r.status !== "unchanged"),
  );
  const rows = shown.map((r) => [
    r.status,
    r.kind,
    escapeControls(r.subject),
    escapeControls(r.path),
    duration(r.durationMs),
  ]);
  const lines = alignColumns(rows, ["l", "l", "l", "l", "r"]);
  const out: string[] = [];
  shown.forEach((result, index) => {
    const line = lines[index] ?? "";
    out.push(paint(result.status, p)(line));
    const extra = detail(result);
    if (extra !== null) out.push(`    ${extra}`);
  });
  out.push(totalsLine(report));
  return `${out.join("\n")}\n`;
}
