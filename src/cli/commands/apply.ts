// `volplan apply`: parses arguments, runs the apply pipeline (src/reconcile), prints the plan and the report.
import { resolve } from "node:path";
import type { ApplyReport } from "../../apply/report.js";
import { waitingMessage } from "../waiting-message.js";
import { SELECTOR_FORMS } from "../../manifest/select.js";
import type { Plan } from "../../plan/types.js";
import type { ApplyHostInput, ApplyHostResult } from "../../reconcile/apply-host.js";
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { UsageError } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { applyOnly, DEFAULT_MANIFEST, manifestPath, parseJobs } from "../options.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { renderPlan } from "../render-plan.js";
import { testStopHook } from "../test-hooks.js";
import { shellCommand } from "../../text/shell-quote.js";
import { escapeControls } from "../../text/escape-controls.js";

const OPTIONS = {
  manifest: {
    type: "string",
    value: "FILE",
    help: `manifest to apply (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})`,
    complete: "file",
  },
  only: {
    type: "string",
    multiple: true,
    value: "SELECTOR",
    help: `apply only part of the manifest: ${SELECTOR_FORMS}`,
  },
  "dry-run": { type: "boolean", help: "only show the plan, as volplan plan does" },
  "detailed-exitcode": {
    type: "boolean",
    help: "with --dry-run: exit 2 when there are changes to apply",
  },
  jobs: {
    type: "string",
    value: "N",
    help: "independent steps run at once (default 4); space-consuming steps on one filesystem always run one at a time",
  },
  json: {
    type: "boolean",
    help: "print { format_version, plan, report } as JSON (schema/apply.schema.json)",
  },
  verbose: { type: "boolean", help: "list unchanged volumes and steps too" },
  "no-wait": {
    type: "boolean",
    help: "fail at once when another volplan holds the lock (default: wait)",
  },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "apply",
  summary: "make the host match the manifest",
  synopsis: [
    "apply [--manifest FILE] [--only SELECTOR]... [--jobs N] [--json] [--verbose] [--no-wait]",
    "apply PLAN_FILE [--jobs N] [--json] [--verbose] [--no-wait]",
    "apply --dry-run [--manifest FILE | PLAN_FILE] [--detailed-exitcode] [--json] [--verbose]",
  ],
  description: [
    "Makes the host match the manifest: takes the host lock, observes, plans, prints the plan, applies it and prints what happened to each step.",
    "With PLAN_FILE (saved by `volplan plan --out`), plans again from the manifest saved in it and applies only when the actions are the ones saved; otherwise it says what changed and does nothing.",
  ],
  options: OPTIONS,
  positionals: {
    name: "PLAN_FILE",
    min: 0,
    max: 1,
    what: "at most one PLAN_FILE",
    complete: "file",
  },
  exitStatus:
    "0 done, 1 error or failed step, 2 changes pending (--dry-run with --detailed-exitcode), 3 refusals, 4 plan infeasible (nothing touched).",
};

/** The apply exit code: failures (and steps skipped for lack of space) beat refusals. */
function applyExitCode(report: ApplyReport): number {
  if (report.totals.failed > 0 || report.totals.skipped > 0) return EXIT.error;
  return report.totals.refused > 0 ? EXIT.refused : EXIT.ok;
}

type Target = Pick<ApplyHostInput, "desired" | "saved" | "whole">;

// What to run when FILE is a manifest: this command line with --manifest FILE, or plan --out.
function asManifest(args: readonly string[], file: string) {
  const index = args.lastIndexOf(file);
  const rest = args.filter((_, i) => i !== index);
  return {
    apply: shellCommand("volplan", "apply", "--manifest", file, ...rest),
    plan: shellCommand("volplan", "plan", "--manifest", file, "--out", "PLAN"),
  };
}

// The manifest to apply, narrowed by --only; or a saved plan with the manifest it embeds.
async function loadTarget(
  ctx: CommandContext,
  values: { manifest?: string | undefined; only?: string[] | undefined },
  planFile: string | undefined,
): Promise<Target | null> {
  if (planFile === undefined) {
    const file = manifestPath(ctx, values.manifest);
    const loaded = await loadOrReport({ file, cwd: ctx.cwd, stderr: ctx.stderr });
    if (loaded === null) return null;
    const desired = applyOnly(loaded.desired, values.only, "apply");
    return { desired, whole: values.only === undefined };
  }
  if (values.manifest !== undefined || values.only !== undefined)
    throw new UsageError("a PLAN_FILE brings its own manifest and --only; give neither", "apply");
  const { readPlanFile } = await import("../../planfile/planfile.js");
  const saved = await readPlanFile(resolve(ctx.cwd, planFile), asManifest(ctx.args, planFile));
  return {
    desired: applyOnly(saved.desired, saved.only, "apply"),
    saved,
    whole: saved.only.length === 0,
  };
}

/** What the flags ask apply to print. */
interface View {
  readonly json: boolean;
  readonly verbose: boolean;
}

async function planText(ctx: CommandContext, plan: Plan, title: string, view: View) {
  const options = { color: ctx.color, verbose: view.verbose, space: true, title };
  return renderPlan(plan, { format: "text", ...options });
}

async function printJson(ctx: CommandContext, plan: Plan, report: ApplyReport | null) {
  const { applyDocument } = await import("../../render/report-json.js");
  const { jsonText } = await import("../../render/json.js");
  ctx.stdout.write(`${jsonText(applyDocument(plan, report))}\n`);
}

async function printOutcome(
  ctx: CommandContext,
  result: ApplyHostResult,
  view: View,
): Promise<number> {
  if (result.kind === "stale") {
    ctx.stderr.write(
      `volplan: the host or the manifest changed since the plan was saved; nothing was applied. What differs:\n${result.differences.map((d) => `  ${escapeControls(d)}\n`).join("")}Review the new plan (volplan plan --out FILE) and apply that. [STALE_PLAN]\n`,
    );
    return EXIT.error;
  }
  const { plan, report } = result;
  if (view.json) await printJson(ctx, plan, report);
  else if (report !== null) {
    const { renderReportText } = await import("../../render/report-text.js");
    for (const line of result.reclaimed)
      ctx.stdout.write(`reclaimed after a killed run: ${line}\n`);
    const text = renderReportText(report, { color: ctx.color, verbose: view.verbose });
    ctx.stdout.write(`\n${text}`);
  }
  return report === null ? planExitCode(plan, false) : applyExitCode(report);
}

// Progress of downloads, seed copies and zero-fills on stderr, and what an interrupt leaves.
async function applyWatch(ctx: CommandContext, target: Target, planFile: string | undefined) {
  const { progressSink } = await import("../progress.js");
  const { stderrIsTerminal } = await import("../stderr-is-terminal.js");
  const { keptPartialLines } = await import("../kept-partials.js");
  const progress = progressSink({ stream: ctx.stderr, terminal: stderrIsTerminal(ctx.env) });
  // A saved plan no longer matches once the run changed things: plan again, then apply that.
  const again =
    planFile === undefined
      ? shellCommand("volplan", "apply", ...ctx.args)
      : "volplan plan --out FILE, then volplan apply FILE,";
  const note = () => {
    progress.clear();
    return [
      ...keptPartialLines({
        stateDir: target.desired.stateDir,
        artifacts: target.desired.artifacts,
        resume: () => again,
      }),
      `a volume stopped half-made or half-grown is cleaned up or finished by ${again} which plans from what is on disk then`,
    ];
  };
  return { progress, note };
}

// --dry-run: plan (and compare with a saved plan), print, apply nothing.
async function dryRun(ctx: CommandContext, target: Target, view: View, detailed: boolean) {
  const { planHost } = await import("../../reconcile/plan-host.js");
  const { plan } = await planHost(target.desired, { whole: target.whole });
  if (target.saved !== undefined) {
    const { planDifferences } = await import("../../planfile/planfile.js");
    const differences = planDifferences(target.saved.plan, plan);
    if (differences.length > 0)
      return printOutcome(ctx, { kind: "stale", plan, differences }, view);
  }
  if (view.json) await printJson(ctx, plan, null);
  else ctx.stdout.write(await planText(ctx, plan, "volplan apply --dry-run", view));
  return planExitCode(plan, detailed);
}

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const jobs = parseJobs(values.jobs, "apply", 4);
  const detailed = values["detailed-exitcode"] === true;
  if (detailed && values["dry-run"] !== true)
    throw new UsageError("--detailed-exitcode goes with --dry-run only", "apply");
  const hook = testStopHook(ctx.env);
  const view = { json: values.json === true, verbose: values.verbose === true };
  const target = await loadTarget(ctx, values, positionals[0]);
  if (target === null) return EXIT.error;
  if (values["dry-run"] === true) return dryRun(ctx, target, view, detailed);
  const { applyHost } = await import("../../reconcile/apply-host.js");
  const { progress, note } = await applyWatch(ctx, target, positionals[0]);
  const { whileInterruptible } = await import("../interrupt.js");
  const result = await whileInterruptible(note, () =>
    applyHost({
      ...target,
      jobs,
      wait: values["no-wait"] !== true,
      onWaiting: (holder) => ctx.stderr.write(`${waitingMessage(holder)}\n`),
      onPlan: async (plan) => {
        if (!view.json) ctx.stdout.write(await planText(ctx, plan, "volplan apply", view));
      },
      onProgress: progress.report,
      ...(hook === undefined ? {} : { hook }),
    }),
  );
  progress.clear();
  return printOutcome(ctx, result, view);
}

/** The apply command. */
export const applyCommand: Command = { ...SPEC, run };
