// Validation issues as one line each: `FILE: error /volumes/web~1root/size: message (fix: ...)`.
import type { Issue } from "../manifest/issue.js";
import type { Writer } from "./command.js";

/** One issue as a line without a newline. */
export function issueLine(file: string, issue: Issue): string {
  const where = issue.pointer === "" ? "" : ` ${issue.pointer}`;
  const fix = issue.fix === "" ? "" : ` (fix: ${issue.fix})`;
  return `${file}: ${issue.severity}${where}: ${issue.message}${fix}`;
}

/** Writes one line per issue. */
export function printIssues(out: Writer, file: string, issues: readonly Issue[]): void {
  for (const issue of issues) out.write(`${issueLine(file, issue)}\n`);
}
