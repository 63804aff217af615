// The machine view of `volplan validate --json`, as schema/validate.schema.json describes it.
import type { ValidateOutput } from "../generated/validate-output-types.js";
import type { Issue } from "../manifest/issue.js";

/** The document for the issues of each file, in the order given. */
export function validateDocument(
  results: readonly { readonly file: string; readonly issues: readonly Issue[] }[],
): ValidateOutput {
  const files = results.map((r) => ({
    file: r.file,
    valid: r.issues.every((i) => i.severity !== "error"),
    issues: r.issues.map((i) => ({
      severity: i.severity,
      pointer: i.pointer,
      message: i.message,
      fix: i.fix,
    })),
  }));
  return { format_version: 1, valid: files.every((f) => f.valid), files };
}
