// `volplan apply`: parses arguments, runs the apply pipeline (src/reconcile), prints the plan and the report.
import { resolve } from "node:path";
import type { ApplyReport } from "../../apply/report.js";
import { waitingMessage } from "../waiting-message.js";
import { SELECTOR_FORMS } from "../../manifest/select.js";
import type { Plan } from "../../plan/types.js";
import type { ApplyHostInput, ApplyHostResult } from "../../reconcile/apply-host.js";
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { applyOnly, DEFAULT_MANIFEST, manifestPath, parseJobs } from "../options.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { renderPlan } from "../render-plan.js";
import { testStopHook } from "../test-hooks.js";
import { shellCommand } from "../../text/shell-quote.js";

const usage = `Usage: volplan apply [--manifest FILE | PLAN_FILE] [--only SELECTOR]... [--dry-run] [--jobs N] [--json] [--no-wait]

Makes the host match the manifest: takes the host lock, observes, plans, prints the plan,
applies it and prints what happened to each action. With PLAN_FILE (saved by
\`volplan plan --out\`), plans again from the manifest saved in it and applies only when the
actions are the ones saved; otherwise it says what changed and does nothing.

Options:
  --manifest FILE  manifest to apply (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})
  --only SELECTOR  apply only part of the manifest (repeatable): ${SELECTOR_FORMS}
  --dry-run        only show the plan (as volplan plan does)
  --jobs N         independent steps run at once (default 4); space-consuming steps on one
                   filesystem always run one at a time
  --json           print { plan, report } as JSON
  --no-wait        fail at once when another volplan holds the lock (default: wait)
  -h, --help       show this help

Exit status: 0 done, 1 error or failed action, 3 refusals, 4 plan infeasible (nothing touched).`;

/** The apply exit code: failures (and steps skipped for lack of space) beat refusals. */
export function applyExitCode(report: ApplyReport): number {
  if (report.totals.failed > 0 || report.totals.skipped > 0) return EXIT.error;
  return report.totals.refused > 0 ? EXIT.refused : EXIT.ok;
}

const OPTIONS = {
  manifest: { type: "string" },
  only: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  jobs: { type: "string" },
  json: { type: "boolean" },
  "no-wait": { type: "boolean" },
} as const;

type Target = Pick<ApplyHostInput, "desired" | "saved" | "whole">;

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
  const saved = await readPlanFile(resolve(ctx.cwd, planFile));
  return {
    desired: applyOnly(saved.desired, saved.only, "apply"),
    saved,
    whole: saved.only.length === 0,
  };
}

async function planText(ctx: CommandContext, plan: Plan, title: string): Promise<string> {
  return renderPlan(plan, { format: "text", color: ctx.color, verbose: false, space: true, title });
}

async function printOutcome(
  ctx: CommandContext,
  result: ApplyHostResult,
  json: boolean,
): Promise<number> {
  if (result.kind === "stale") {
    ctx.stderr.write(
      `volplan: the host or the manifest changed since the plan was saved; nothing was applied. What differs:\n${result.differences.map((d) => `  ${d}\n`).join("")}Review the new plan (volplan plan --out FILE) and apply that. [STALE_PLAN]\n`,
    );
    return EXIT.error;
  }
  const { plan, report } = result;
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ plan, report }, null, 2)}\n`);
  } else if (report !== null) {
    const { renderReportText } = await import("../../render/report-text.js");
    for (const line of result.reclaimed)
      ctx.stdout.write(`reclaimed after a killed run: ${line}\n`);
    ctx.stdout.write(`\n${renderReportText(report, { color: ctx.color, verbose: false })}`);
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

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "apply",
    args: ctx.args,
    options: OPTIONS,
    positionals: true,
  });
  if (positionals.length > 1)
    throw new UsageError(`expected at most one PLAN_FILE, got ${positionals.length}`, "apply");
  const jobs = parseJobs(values.jobs, "apply", 4);
  const hook = testStopHook(ctx.env);
  const json = values.json === true;
  const target = await loadTarget(ctx, values, positionals[0]);
  if (target === null) return EXIT.error;
  if (values["dry-run"] === true) {
    const { planHost } = await import("../../reconcile/plan-host.js");
    const { plan } = await planHost(target.desired, { whole: target.whole });
    if (target.saved !== undefined) {
      const { planDifferences } = await import("../../planfile/planfile.js");
      const differences = planDifferences(target.saved.plan, plan);
      if (differences.length > 0)
        return printOutcome(ctx, { kind: "stale", plan, differences }, json);
    }
    const text = json
      ? `${JSON.stringify({ plan, report: null }, null, 2)}\n`
      : await planText(ctx, plan, "volplan apply --dry-run");
    ctx.stdout.write(text);
    return planExitCode(plan, false);
  }
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
        if (!json) ctx.stdout.write(await planText(ctx, plan, "volplan apply"));
      },
      onProgress: progress.report,
      ...(hook === undefined ? {} : { hook }),
    }),
  );
  progress.clear();
  return printOutcome(ctx, result, json);
}

/** The apply command. */
export const applyCommand: Command = {
  name: "apply",
  summary: "make the host match the manifest",
  usage,
  run,
};
