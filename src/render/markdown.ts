// The CI-comment view of a plan: a heading with the summary, a change table, refusals, space table.
import { escapeControls } from "../text/escape-controls.js";
import type { Plan } from "../plan/types.js";
import { changeLines } from "./change-lines.js";
import type { ChangeLine } from "./change-lines.js";
import { spaceRow, unsizedOn } from "./space-rows.js";
import { infeasibleLine, isNoOp, summaryCounts } from "./summary.js";
import { shownWarnings } from "./warnings.js";

/** What the Markdown view shows. */
export interface MarkdownOptions {
  /** Heading prefix, such as "volplan plan" or "volplan diff". */
  readonly title: string;
  /** Show the space table (false for `volplan diff`). */
  readonly space: boolean;
}

// Everything this view prints from a plan (ids, paths, labels, URLs, messages quoting them) may
// come from a pull request's manifest, so none of it may add cells, links, images, HTML or
// emphasis to the CI comment. GitHub splits a table row at every "|" not directly preceded by
// a backslash, even inside code spans, and removes that one backslash before parsing the cell.

// Markdown punctuation that could start markup inside a line: escapes, code spans, emphasis,
// links and images, HTML and autolinks, entities, table cells, strikethrough, and GitHub math.
const MARKUP = /[\\`*_[\]<>&|~$]/g;

/** Free text in a cell or list item: control characters escaped, then every markup character backslash-escaped. */
function markdownText(text: string): string {
  return escapeControls(text).replace(MARKUP, (c) => `\\${c}`);
}

/**
 * A code span showing `text` exactly: control characters escaped; in a table cell, "|" as "\|"
 * (GitHub shows it as "|"; outside tables the backslash would show); a fence one backtick longer
 * than the longest run of backticks inside (CommonMark), padded with a space on both sides when
 * the text starts or ends with a backtick or has spaces at both ends (one such pair is removed).
 */
function markdownCode(text: string, where: "table" | "line"): string {
  const visible = escapeControls(text);
  const shown = where === "table" ? visible.replaceAll("|", "\\|") : visible;
  if (shown === "") return "";
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const spaced = shown.startsWith(" ") && shown.endsWith(" ") && shown.trim() !== "";
  const pad = shown.startsWith("`") || shown.endsWith("`") || spaced ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}

const cell = markdownText;
const code = (text: string): string => markdownCode(text, "line");
const tableCode = (text: string): string => markdownCode(text, "table");

function changeTable(lines: readonly ChangeLine[]): string[] {
  if (lines.length === 0) return [];
  const rows = lines.map(
    (l) =>
      `| ${tableCode(l.symbol)} | ${tableCode(l.subject)} | ${tableCode(l.path)} | ${cell(l.detail)} |`,
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
      const row = `| ${tableCode(r.filesystem)} | ${r.free} | ${r.needed} | ${r.reserve} | ${r.feasible ? r.remaining : `**${r.remaining}**`} |`;
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
  // In full: a pull request comment is read once, not on every run.
  const items = shownWarnings(plan, true).map(
    (w) => `- **${w.code}** ${code(w.subjects.join(", "))}: ${cell(w.message)}`,
  );
  return ["", "#### Warnings", "", ...items];
}

/** Renders a plan as GitHub-flavoured Markdown; ends with a newline. */
export function renderMarkdown(plan: Plan, options: MarkdownOptions): string {
  const lines = changeLines(plan.actions);
  const heading = isNoOp(plan) ? "no changes" : summaryCounts(plan);
  const infeasible = infeasibleLine(plan);
  const out = [
    `### ${options.title}: ${heading}`,
    ...(infeasible === null ? [] : ["", `> **${cell(infeasible)}**`]),
    ...changeTable(lines.filter((l) => l.symbol !== "=")),
    ...unchangedList(lines.filter((l) => l.symbol === "=")),
    ...refusalList(lines),
    ...(options.space ? spaceTable(plan) : []),
    ...warningList(plan),
  ];
  return `${out.join("\n")}\n`;
}
