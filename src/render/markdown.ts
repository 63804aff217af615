// The CI-comment view of a plan: a heading with the summary, a change table, refusals, space table.
import type { Plan } from "../plan/types.js";
import { changeLines } from "./change-lines.js";
import type { ChangeLine } from "./change-lines.js";
import { spaceRow, unsizedOn } from "./space-rows.js";
import { infeasibleLine, isNoOp, summaryCounts } from "./summary.js";

/** What the Markdown view shows. */
export interface MarkdownOptions {
  /** Heading prefix, such as "volplan plan" or "volplan diff". */
  readonly title: string;
  /** Show the space table (false for `volplan diff`). */
  readonly space: boolean;
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n/g, " ")}\``;
}

function changeTable(lines: readonly ChangeLine[]): string[] {
  if (lines.length === 0) return [];
  const rows = lines.map(
    (l) => `| ${code(l.symbol)} | ${code(l.subject)} | ${code(l.path)} | ${cell(l.detail)} |`,
  );
  return ["", "| | Subject | Path | Change |", "| :-: | --- | --- | --- |", ...rows];
}

function unchangedList(lines: readonly ChangeLine[]): string[] {
  if (lines.length === 0) return [];
  const items = lines.map((l) => `- ${code(l.subject)} ${code(l.path)}: ${cell(l.detail)}`);
  return [
    "",
    `<details><summary>${lines.length} unchanged</summary>`,
    "",
    ...items,
    "",
    "</details>",
  ];
}

function refusalList(lines: readonly ChangeLine[]): string[] {
  const refused = lines.filter((l) => l.symbol === "!");
  if (refused.length === 0) return [];
  const items = refused.flatMap((l) => [
    `- ${code(l.subject)} ${code(l.path)}: ${cell(l.detail)}`,
    `  - **Fix:** ${cell(l.fix ?? "")}`,
  ]);
  return ["", "#### Refusals", "", ...items];
}

function spaceTable(plan: Plan): string[] {
  if (plan.filesystems.length === 0) return [];
  const rows = plan.filesystems
    .map((fs) => spaceRow(fs, unsizedOn(plan.actions, fs.id)))
    .flatMap((r) => {
      const row = `| ${code(r.filesystem)} | ${r.free} | ${r.needed} | ${r.reserve} | ${r.feasible ? r.remaining : `**${r.remaining}**`} |`;
      const needs =
        !r.feasible && r.consumers.length > 0 ? [`needs space: ${r.consumers.join(", ")}`] : [];
      const notes = [...needs, r.overcommit, r.unsized].filter((n) => n !== null);
      return [{ row, notes: notes.map((n) => `- ${code(r.filesystem)}: ${cell(n)}`) }];
    });
  const head = ["", "#### Space", "", "| Filesystem | Free | Needed | Reserve | Remaining |"];
  const notes = rows.flatMap((r) => r.notes);
  return [
    ...head,
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => r.row),
    ...(notes.length > 0 ? ["", ...notes] : []),
  ];
}

function warningList(plan: Plan): string[] {
  if (plan.warnings.length === 0) return [];
  const items = plan.warnings.map((w) => `- **${w.code}** ${code(w.subject)}: ${cell(w.message)}`);
  return ["", "#### Warnings", "", ...items];
}

/** Renders a plan as GitHub-flavoured Markdown; ends with a newline. */
export function renderMarkdown(plan: Plan, options: MarkdownOptions): string {
  const lines = changeLines(plan.actions);
  const heading = isNoOp(plan) ? "no changes" : summaryCounts(plan);
  const infeasible = infeasibleLine(plan);
  const out = [
    `### ${options.title}: ${heading}`,
    ...(infeasible === null ? [] : ["", `> **${infeasible}**`]),
    ...changeTable(lines.filter((l) => l.symbol !== "=")),
    ...unchangedList(lines.filter((l) => l.symbol === "=")),
    ...refusalList(lines),
    ...(options.space ? spaceTable(plan) : []),
    ...warningList(plan),
  ];
  return `${out.join("\n")}\n`;
}
