// `volplan diff OLD NEW`: what changing the manifest from OLD to NEW would do, without the host.
import type { DesiredState } from "../../manifest/desired.js";
import type { Plan, PlanWarning } from "../../plan/types.js";
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../command.js";
import { diffSnapshot } from "../diff-snapshot.js";
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

/** Warnings for volumes and artifacts OLD declares and NEW does not: they are left alone, never deleted. */
export function removalWarnings(oldState: DesiredState, newState: DesiredState): PlanWarning[] {
  const volumes = new Set(newState.volumes.map((v) => v.id));
  const artifacts = new Set(newState.artifacts.map((a) => a.name));
  const removedVolumes = oldState.volumes
    .filter((v) => !volumes.has(v.id))
    .map((v) => ({
      code: "volume-removed" as const,
      subject: v.id,
      message: `volume ${v.id} (${v.path}) is no longer declared; volplan leaves the image in place and never deletes it. Remove ${v.path} yourself if its data is no longer needed.`,
    }));
  const removedArtifacts = oldState.artifacts
    .filter((a) => !artifacts.has(a.name))
    .map((a) => ({
      code: "artifact-removed" as const,
      subject: a.name,
      message: `artifact ${a.name} is no longer declared; its cached copy stays until \`volplan gc\` removes unreferenced entries.`,
    }));
  return [...removedVolumes, ...removedArtifacts];
}

/** Plans NEW against the host OLD describes; budgets are dropped because that host is imaginary. */
export async function diffPlan(oldState: DesiredState, newState: DesiredState): Promise<Plan> {
  const { idealSnapshot } = await import("../../plan/simulate.js");
  const { plan } = await import("../../plan/plan.js");
  const snapshot = diffSnapshot({ oldState, newState, idealSnapshot });
  const result = plan(newState, snapshot);
  return {
    ...result,
    filesystems: [],
    warnings: [...result.warnings, ...removalWarnings(oldState, newState)],
  };
}

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
  const result = await diffPlan(oldLoaded.desired, newLoaded.desired);
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
