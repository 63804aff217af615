// `volplan plan`: observes the host and shows what apply would do; writes nothing but --out.
import { resolve } from "node:path";
import type { Command, CommandContext } from "../command.js";
import { UserError } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { outputFormat, preloadRenderer, renderPlan } from "../render-plan.js";
import type { Loaded } from "../load-manifest.js";
import type { Plan } from "../../plan/types.js";
import type { Snapshot } from "../../plan/snapshot.js";

/** Where the manifest is read from when neither --manifest nor $VOLPLAN_MANIFEST says. */
export const DEFAULT_MANIFEST = "/etc/volplan/manifest.json";

const usage = `Usage: volplan plan [--manifest FILE] [--json | --markdown] [--detailed-exitcode] [--out FILE] [--verbose]

Looks at the host and shows what \`volplan apply\` would do. Changes nothing on the host.

Options:
  --manifest FILE      manifest to plan (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})
  --json               print the plan as JSON (schema/plan.schema.json)
  --markdown           print the plan as Markdown, for a CI comment
  --detailed-exitcode  exit 2 when there are changes to apply
  --out FILE           also save the plan (with a fingerprint of the host) for \`volplan apply FILE\`
  --verbose            list unchanged volumes too
  -h, --help           show this help

Exit status: 0 ok, 1 error, 2 changes pending (with --detailed-exitcode), 3 refusals, 4 infeasible.`;

/** The manifest path from the flag, the environment or the default, resolved against cwd. */
export function manifestPath(ctx: CommandContext, flag: string | undefined): string {
  const fromEnv = ctx.env["VOLPLAN_MANIFEST"];
  const chosen = flag ?? (fromEnv === undefined || fromEnv === "" ? DEFAULT_MANIFEST : fromEnv);
  return resolve(ctx.cwd, chosen);
}

async function savePlan(input: {
  readonly file: string;
  readonly plan: Plan;
  readonly snapshot: Snapshot;
  readonly loaded: Loaded;
}): Promise<void> {
  const { fingerprintSnapshot } = await import("../../observe/fingerprint.js");
  const { writeFileAtomic } = await import("../write-file-atomic.js");
  const saved: Plan = {
    ...input.plan,
    fingerprint: fingerprintSnapshot(input.snapshot),
    manifest: input.loaded.manifest,
  };
  const text = `${JSON.stringify(saved, null, 2)}\n`;
  try {
    await writeFileAtomic({ file: input.file, text, mode: 0o600 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `cannot save the plan to ${input.file} (${reason}); choose a --out path in an existing directory you can write to`,
      { cause: error },
    );
  }
}

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs({
    command: "plan",
    args: ctx.args,
    options: {
      manifest: { type: "string" },
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
  // The stages' code is requested before the manifest is read: the module loader reads and
  // compiles it in the same turns as the manifest's reads instead of one import after another.
  const stages = Promise.all([
    import("../../observe/observe.js"),
    import("../../plan/plan.js"),
    preloadRenderer(format),
  ]);
  stages.catch(() => undefined); // awaited below; a manifest error returns before that
  const loaded = await loadOrReport({ file, cwd: ctx.cwd, stderr: ctx.stderr });
  if (loaded === null) return EXIT.error;
  const [{ observe }, { plan: makePlan }] = await stages;
  // Without --out no fingerprint is saved, so only holders the planner reads are looked up.
  const snapshot = await observe(loaded.desired, {
    holders: values.out === undefined ? "writable" : "all",
  });
  const result = makePlan(loaded.desired, snapshot);
  if (values.out !== undefined) {
    const out = resolve(ctx.cwd, values.out);
    await savePlan({ file: out, plan: result, snapshot, loaded });
  }
  const options = { format, color: ctx.color, verbose: values.verbose === true };
  ctx.stdout.write(await renderPlan(result, { ...options, space: true, title: "volplan plan" }));
  return planExitCode(result, values["detailed-exitcode"] === true);
}

/** The plan command. */
export const planCommand: Command = {
  name: "plan",
  summary: "show what apply would do (changes nothing)",
  usage,
  run,
};
