// Validation issues as one line each: `FILE: error /volumes/web~1root/size: message (fix: ...)`.
import type { Issue } from "../manifest/issue.js";
import { escapeControls } from "../text/escape-controls.js";
import type { Writer } from "./command.js";

/**
 * One issue as a line without a newline. Control characters are escaped: a pointer names the
 * manifest's own keys, messages quote its values, and a newline or ESC in them would forge lines
 * or drive the terminal.
 */
export function issueLine(file: string, issue: Issue): string {
  const where = issue.pointer === "" ? "" : ` ${issue.pointer}`;
  const fix = issue.fix === "" ? "" : ` (fix: ${issue.fix})`;
  return escapeControls(`${file}: ${issue.severity}${where}: ${issue.message}${fix}`);
}

/** Writes one line per issue. */
export function printIssues(out: Writer, file: string, issues: readonly Issue[]): void {
  for (const issue of issues) out.write(`${issueLine(file, issue)}\n`);
}
