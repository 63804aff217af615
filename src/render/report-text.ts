// The human view of an ApplyReport: one line per action with its status and duration, then totals.
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

/** Renders the report; unchanged actions are counted, not listed, unless `verbose`. */
export function renderReportText(
  report: ApplyReport,
  options: { readonly color: boolean; readonly verbose: boolean },
): string {
  const p = palette(options.color);
  const shown = report.results.filter((r) => options.verbose || r.status !== "unchanged");
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
  const t = report.totals;
  const order: ActionStatus[] = ["done", "failed", "refused", "skipped", "unchanged"];
  const counts = order.filter((s) => t[s] > 0).map((s) => `${t[s]} ${s}`);
  out.push(
    `Apply: ${counts.length === 0 ? "nothing to do" : counts.join(", ")} in ${duration(report.durationMs)}.`,
  );
  return `${out.join("\n")}\n`;
}
