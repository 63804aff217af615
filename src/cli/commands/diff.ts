// `volplan diff OLD NEW`: what changing the manifest from OLD to NEW would do, without the host.
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { outputFormat, renderPlan } from "../render-plan.js";

const OPTIONS = {
  json: { type: "boolean", help: "print the plan as JSON (schema/plan.schema.json)" },
  markdown: { type: "boolean", help: "print the plan as Markdown, for a CI comment" },
  "detailed-exitcode": { type: "boolean", help: "exit 2 when there are changes" },
  verbose: { type: "boolean", help: "list unchanged volumes and every warning in full" },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "diff",
  summary: "compare two manifests without touching the host",
  synopsis: ["diff OLD NEW [--json | --markdown] [--detailed-exitcode] [--verbose]"],
  description: [
    "Shows what moving a host from manifest OLD to manifest NEW would do, assuming every volume of OLD exists exactly as declared. Reads only the two files; never looks at or touches the host.",
  ],
  options: OPTIONS,
  positionals: {
    name: "OLD NEW",
    min: 2,
    max: 2,
    what: "two manifest files, OLD and NEW",
    complete: "file",
  },
  exitStatus: "0 ok, 1 error, 2 changes (with --detailed-exitcode), 3 refusals, 4 infeasible.",
};

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const format = outputFormat(values, "diff");
  const [oldFile = "", newFile = ""] = positionals;
  const oldLoaded = await loadOrReport({ file: oldFile, cwd: ctx.cwd, stderr: ctx.stderr });
  const newLoaded = await loadOrReport({ file: newFile, cwd: ctx.cwd, stderr: ctx.stderr });
  if (oldLoaded === null || newLoaded === null) return EXIT.error;
  const { diffManifests } = await import("../../reconcile/diff.js");
  const result = diffManifests(oldLoaded.desired, newLoaded.desired);
  const options = { format, color: ctx.color, verbose: values.verbose === true };
  ctx.stdout.write(await renderPlan(result, { ...options, space: false, title: "volplan diff" }));
  return planExitCode(result, values["detailed-exitcode"] === true);
}

/** The diff command. */
export const diffCommand: Command = { ...SPEC, run };
