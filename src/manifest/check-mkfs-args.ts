// Validation of format.mkfsArgs: every argument must be an option volplan passes to that mkfs.
import type { FsType } from "./desired.js";
import { error, pointer, type Issue } from "./issue.js";
import { mkfsArgProblems, mkfsProgram } from "./read-mkfs-args.js";

/** Appends an error for each refused argument of a volume's format.mkfsArgs to `issues`. */
export function checkMkfsArgs(input: {
  readonly id: string;
  readonly type: FsType;
  readonly args: unknown;
  readonly issues: Issue[];
}): void {
  const { id, type, args, issues } = input;
  if (type === "none" || !Array.isArray(args) || args.length === 0) return;
  if (!args.every((arg): arg is string => typeof arg === "string")) return;
  for (const problem of mkfsArgProblems(type, args)) {
    const arg = args[problem.index] ?? "";
    const option = problem.option === "" ? "" : ` ${problem.option}`;
    issues.push(
      error(
        pointer("volumes", id, "format", "mkfsArgs", problem.index),
        `volume ${JSON.stringify(id)}: mkfsArgs[${problem.index}] ${JSON.stringify(arg)}: ${mkfsProgram(type)}${option} ${problem.refusal.why}.`,
        `${problem.refusal.fix}.`,
      ),
    );
  }
}
