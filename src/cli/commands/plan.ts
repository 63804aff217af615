// `volplan plan`: observes the host and shows what apply would do; writes nothing but --out.
import { resolve } from "node:path";
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { applyOnly, DEFAULT_MANIFEST, manifestFromArgs } from "../options.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { outputFormat, renderPlan } from "../render-plan.js";
import { SELECTOR_FORMS } from "../../manifest/select.js";

const OPTIONS = {
  manifest: {
    type: "string",
    value: "FILE",
    help: `manifest to plan, the same as FILE (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})`,
    complete: "file",
  },
  only: {
    type: "string",
    multiple: true,
    value: "SELECTOR",
    help: `plan only part of the manifest: ${SELECTOR_FORMS}`,
  },
  json: { type: "boolean", help: "print the plan as JSON (schema/plan.schema.json)" },
  markdown: { type: "boolean", help: "print the plan as Markdown, for a CI comment" },
  "detailed-exitcode": { type: "boolean", help: "exit 2 when there are changes to apply" },
  out: {
    type: "string",
    value: "FILE",
    help: "also save the plan for `volplan apply FILE`, which applies it only while planning again gives the same actions",
    complete: "file",
  },
  verbose: { type: "boolean", help: "list unchanged volumes and every warning in full" },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "plan",
  summary: "show what apply would do (changes nothing)",
  synopsis: [
    "plan [FILE | --manifest FILE] [--only SELECTOR]... [--json | --markdown] [--detailed-exitcode] [--out FILE] [--verbose]",
  ],
  description: [
    "Looks at the host and shows what `volplan apply` would do. Changes nothing on the host.",
  ],
  options: OPTIONS,
  positionals: {
    name: "FILE",
    min: 0,
    max: 1,
    what: "at most one manifest FILE",
    complete: "file",
  },
  exitStatus:
    "0 ok, 1 error, 2 changes pending (with --detailed-exitcode), 3 refusals, 4 infeasible.",
};

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const format = outputFormat(values, "plan");
  const file = manifestFromArgs(ctx, { flag: values.manifest, positional: positionals[0] }, "plan");
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
export const planCommand: Command = { ...SPEC, run };
