// `volplan validate FILE...`: checks manifests without looking at the host.
import type { Issue } from "../../manifest/issue.js";
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { issueLine } from "../print-issues.js";
import { loadIssues } from "../load-manifest.js";

const usage = `Usage: volplan validate [--json] FILE...

Checks each manifest against the schema and volplan's own rules, without touching the host.
Prints one line per problem (FILE: error|warning POINTER: message (fix: ...)) and a count.

Options:
  --json      print the issues as JSON
  -h, --help  show this help

Exit status: 0 when every file is valid (warnings allowed), 1 otherwise.`;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function countLine(results: readonly { readonly issues: readonly Issue[] }[]): string {
  const all = results.flatMap((r) => r.issues);
  const errors = all.filter((i) => i.severity === "error").length;
  const warnings = all.length - errors;
  const files = plural(results.length, "file");
  if (errors > 0) return `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${files}.`;
  return `${files} valid, ${plural(warnings, "warning")}.`;
}

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "validate",
    args: ctx.args,
    options: { json: { type: "boolean" } },
    positionals: true,
  });
  if (positionals.length === 0) throw new UsageError("no manifest file given", "validate");
  const results: { file: string; issues: Issue[] }[] = [];
  for (const file of positionals) {
    results.push({ file, issues: await loadIssues({ file, cwd: ctx.cwd }) });
  }
  const valid = results.every((r) => r.issues.every((i) => i.severity !== "error"));
  if (values.json === true) {
    const files = results.map((r) => ({
      ...r,
      valid: r.issues.every((i) => i.severity !== "error"),
    }));
    const { jsonText } = await import("../../render/json.js");
    ctx.stdout.write(`${jsonText({ valid, files })}\n`);
  } else {
    for (const r of results)
      for (const issue of r.issues) ctx.stdout.write(`${issueLine(r.file, issue)}\n`);
    ctx.stdout.write(`${countLine(results)}\n`);
  }
  return valid ? EXIT.ok : EXIT.error;
}

/** The validate command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check manifests",
  usage,
  run,
};
