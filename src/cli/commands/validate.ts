// `volplan validate FILE...`: checks manifests without looking at the host.
import type { Issue } from "../../manifest/issue.js";
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { issueLine } from "../print-issues.js";
import { loadIssues } from "../load-manifest.js";

const OPTIONS = {
  json: { type: "boolean", help: "print the issues as JSON (schema/validate.schema.json)" },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "validate",
  summary: "check manifests",
  synopsis: ["validate [--json] FILE..."],
  description: [
    "Checks each manifest against the schema and volplan's own rules, without touching the host. Prints one line per problem (FILE: error|warning POINTER: message (fix: ...)) and a count.",
  ],
  options: OPTIONS,
  positionals: {
    name: "FILE",
    min: 1,
    max: null,
    what: "one or more manifest files",
    complete: "file",
  },
  exitStatus: "0 when every file is valid (warnings allowed), 1 otherwise.",
};

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
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const results: { file: string; issues: Issue[] }[] = [];
  for (const file of positionals) {
    results.push({ file, issues: await loadIssues({ file, cwd: ctx.cwd }) });
  }
  const valid = results.every((r) => r.issues.every((i) => i.severity !== "error"));
  if (values.json === true) {
    const { jsonText } = await import("../../render/json.js");
    const { validateDocument } = await import("../../render/validate-json.js");
    ctx.stdout.write(`${jsonText(validateDocument(results))}\n`);
  } else {
    for (const r of results)
      for (const issue of r.issues) ctx.stdout.write(`${issueLine(r.file, issue)}\n`);
    ctx.stdout.write(`${countLine(results)}\n`);
  }
  return valid ? EXIT.ok : EXIT.error;
}

/** The validate command. */
export const validateCommand: Command = { ...SPEC, run };
