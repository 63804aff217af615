// `volplan diff OLD NEW`: what changing the manifest from OLD to NEW would do, without the host.
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { outputFormat, renderPlan } from "../render-plan.js";

const usage = `Usage: volplan diff OLD NEW [--json | --markdown] [--detailed-exitcode] [--verbose]

Shows what moving a host from manifest OLD to manifest NEW would do, assuming every volume of
OLD exists exactly as declared. Reads only the two files; never looks at or touches the host.

Options:
  --json               print the plan as JSON
  --markdown           print the plan as Markdown, for a CI comment
  --detailed-exitcode  exit 2 when there are changes
  --verbose            list unchanged volumes too
  -h, --help           show this help

Exit status: 0 ok, 1 error, 2 changes (with --detailed-exitcode), 3 refusals, 4 infeasible.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "diff",
    args: ctx.args,
    options: {
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      "detailed-exitcode": { type: "boolean" },
      verbose: { type: "boolean" },
    },
    positionals: true,
  });
  const format = outputFormat(values, "diff");
  const [oldFile, newFile, ...extra] = positionals;
  if (oldFile === undefined || newFile === undefined || extra.length > 0) {
    throw new UsageError("diff takes exactly two manifest files, OLD and NEW", "diff");
  }
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
export const diffCommand: Command = {
  name: "diff",
  summary: "compare two manifests without touching the host",
  usage,
  run,
};
