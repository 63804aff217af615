// `volplan plan`: observes the host and shows what apply would do; writes nothing but --out.
import { resolve } from "node:path";
import type { Command, CommandContext } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { applyOnly, DEFAULT_MANIFEST, manifestPath } from "../options.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { outputFormat, renderPlan } from "../render-plan.js";
import { SELECTOR_FORMS } from "../../manifest/select.js";

const usage = `Usage: volplan plan [--manifest FILE] [--only SELECTOR]... [--json | --markdown] [--detailed-exitcode] [--out FILE] [--verbose]

Looks at the host and shows what \`volplan apply\` would do. Changes nothing on the host.

Options:
  --manifest FILE      manifest to plan (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})
  --only SELECTOR      plan only part of the manifest (repeatable): ${SELECTOR_FORMS}
  --json               print the plan as JSON (schema/plan.schema.json)
  --markdown           print the plan as Markdown, for a CI comment
  --detailed-exitcode  exit 2 when there are changes to apply
  --out FILE           also save the plan for \`volplan apply FILE\`, which applies it only while
                       planning again gives the same actions
  --verbose            list unchanged volumes too
  -h, --help           show this help

Exit status: 0 ok, 1 error, 2 changes pending (with --detailed-exitcode), 3 refusals, 4 infeasible.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs({
    command: "plan",
    args: ctx.args,
    options: {
      manifest: { type: "string" },
      only: { type: "string", multiple: true },
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      "detailed-exitcode": { type: "boolean" },
      out: { type: "string" },
      verbose: { type: "boolean" },
    },
    positionals: false,
  });
  const format = outputFormat(values, "plan");
  const file = manifestPath(ctx, values.manifest);
  const loaded = await loadOrReport({ file, cwd: ctx.cwd, stderr: ctx.stderr });
  if (loaded === null) return EXIT.error;
  const only = values.only ?? [];
  const desired = applyOnly(loaded.desired, only, "plan");
  const { planHost } = await import("../../reconcile/plan-host.js");
  const { snapshot, plan } = await planHost(desired, { whole: only.length === 0 });
  if (values.out !== undefined) {
    const { planFileText, writePlanFile } = await import("../../planfile/planfile.js");
    const text = planFileText({ plan, snapshot, manifest: loaded.manifest, only });
    await writePlanFile(resolve(ctx.cwd, values.out), text);
  }
  const options = { format, color: ctx.color, verbose: values.verbose === true };
  ctx.stdout.write(await renderPlan(plan, { ...options, space: true, title: "volplan plan" }));
  return planExitCode(plan, values["detailed-exitcode"] === true);
}

/** The plan command. */
export const planCommand: Command = {
  name: "plan",
  summary: "show what apply would do (changes nothing)",
  usage,
  run,
};
