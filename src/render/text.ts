// The human view of a plan: Terraform-like change lines, refusals with fixes, space per filesystem, summary.
import { escapeControls } from "../text/escape-controls.js";
import type { Plan } from "../plan/types.js";
import { changeLines, changedLinesOnly } from "./change-lines.js";
import type { ChangeLine, ChangeSymbol } from "./change-lines.js";
import { palette } from "./colors.js";
import type { Palette } from "./colors.js";
import { spaceRow, unsizedOn } from "./space-rows.js";
import { infeasibleLine, isNoOp, summaryLine } from "./summary.js";
import { alignColumns } from "./table.js";
import { shownWarnings } from "./warnings.js";

/** What the text view shows. */
export interface TextOptions {
  readonly color: boolean;
  /** List unchanged volumes instead of only counting them. */
  readonly verbose: boolean;
  /** Show the space table (false for `volplan diff`, where budgets mean nothing). */
  readonly space: boolean;
}

function paintSymbol(symbol: ChangeSymbol, p: Palette): string {
  switch (symbol) {
    case "+":
      return p.green(symbol);
    case "~":
      return p.yellow(symbol);
    case "-":
      return p.red(symbol);
    case "!":
      return p.red(p.bold(symbol));
    case "=":
      return p.dim(symbol);
  }
}

// Every string a view prints from the plan passes through escapeControls (as `e`): volume ids,
// paths, labels, mount points and process names come from manifests and hosts, and a raw ESC
// or newline in them would move the cursor, recolour or forge lines of the output.
const e = escapeControls;

function changeSection(lines: readonly ChangeLine[], p: Palette): string[] {
  const cells = alignColumns(
    lines.map((line) => [e(line.subject), e(line.path), e(line.detail)]),
    ["l", "l", "l"],
  );
  return lines.flatMap((line, index) => {
    const row = `  ${paintSymbol(line.symbol, p)} ${cells[index] ?? ""}`;
    return line.fix === null ? [row] : [row, `      ${p.yellow("fix:")} ${e(line.fix)}`];
  });
}

// A plan with nothing to do needs no budget, unless sparse volumes already overcommit a filesystem.
function spaceWorthShowing(plan: Plan): boolean {
  if (!isNoOp(plan)) return true;
  return plan.filesystems.some((fs) => !fs.feasible || fs.overcommit !== "none");
}

function spaceSection(plan: Plan, p: Palette): string[] {
  if (plan.filesystems.length === 0 || !spaceWorthShowing(plan)) return [];
  const rows = plan.filesystems.map((fs) => spaceRow(fs, unsizedOn(plan.actions, fs.id)));
  const table = alignColumns(
    [
      ["filesystem", "free", "needed", "reserve", "remaining"],
      ...rows.map((r) => [e(r.filesystem), r.free, r.needed, r.reserve, r.remaining]),
    ],
    ["l", "r", "r", "r", "r"],
  );
  const out = ["Space by host filesystem:", `  ${p.dim(table[0] ?? "")}`];
  rows.forEach((row, index) => {
    const line = table[index + 1] ?? "";
    out.push(`  ${row.feasible ? line : p.red(line)}`);
    if (!row.feasible && row.consumers.length > 0) {
      out.push(`    needs space: ${e(row.consumers.join(", "))}`);
    }
    if (row.overcommit !== null) out.push(`    ${p.yellow("note:")} ${e(row.overcommit)}`);
    if (row.unsized !== null) out.push(`    ${p.yellow("note:")} ${e(row.unsized)}`);
  });
  return ["", ...out];
}

function warningSection(plan: Plan, verbose: boolean, p: Palette): string[] {
  const warnings = shownWarnings(plan, verbose);
  if (warnings.length === 0) return [];
  const lines = warnings.map(
    (w) => `  ${p.yellow("warning")} ${w.code} (${e(w.subjects.join(", "))}): ${e(w.message)}`,
  );
  return ["", "Warnings:", ...lines];
}

/** Renders a plan for a terminal; ends with a newline. */
export function renderText(plan: Plan, options: TextOptions): string {
  const p = palette(options.color);
  const { lines: shown, unchanged: hidden } = options.verbose
    ? { lines: changeLines(plan.actions), unchanged: 0 }
    : changedLinesOnly(plan.actions);
  const out: string[] = changeSection(shown, p);
  if (hidden > 0 && shown.length > 0) {
    out.push(p.dim(`  (${hidden} unchanged not shown; --verbose lists them)`));
  }
  if (options.space) out.push(...spaceSection(plan, p));
  out.push(...warningSection(plan, options.verbose, p));
  const infeasible = infeasibleLine(plan);
  if (out.length > 0) out.push("");
  if (infeasible !== null) out.push(p.red(e(infeasible)));
  out.push(p.bold(summaryLine(plan)));
  return `${out.join("\n")}\n`;
}
