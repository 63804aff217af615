// `volplan apply`: under the host lock, observe, probe, plan, show the plan, apply it, show the report.
import { resolve } from "node:path";
import type { DesiredState } from "../../manifest/desired.js";
import type { Plan } from "../../plan/types.js";
import type { ApplyReport } from "../../apply/report.js";
import type { StepHook } from "../../apply/steps.js";
import type { Command, CommandContext } from "../command.js";
import { UsageError, UserError } from "../command.js";
import { EXIT, planExitCode } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { renderPlan } from "../render-plan.js";
import { manifestPath } from "./plan.js";

const usage = `Usage: volplan apply [--manifest FILE | PLAN_FILE] [--dry-run] [--jobs N] [--json] [--no-wait]

Makes the host match the manifest: takes the host lock, observes, plans, prints the plan,
applies it and prints what happened to each action. With PLAN_FILE (saved by
\`volplan plan --out\`), applies that plan after checking that the host has not changed.

Options:
  --manifest FILE  manifest to apply (default: $VOLPLAN_MANIFEST, else /etc/volplan/manifest.json)
  --dry-run        only show the plan (same as volplan plan)
  --jobs N         independent steps run at once (default 4); space-consuming steps on one
                   filesystem always run one at a time
  --json           print { plan, report } as JSON
  --no-wait        fail at once when another volplan holds the lock (default: wait)
  -h, --help       show this help

Exit status: 0 done, 1 error or failed action, 3 refusals, 4 plan infeasible (nothing touched).`;

// Test-only: VOLPLAN_TEST_STOP_AT=<step> stops this process at that step boundary (SIGSTOP) so
// a crash test can SIGKILL it exactly there. Read once here; the engine only calls the hook.
async function stopHook(env: CommandContext["env"]): Promise<StepHook | undefined> {
  const stopAt = env["VOLPLAN_TEST_STOP_AT"];
  if (stopAt === undefined || stopAt === "") return undefined;
  const { isStepName, stopAtHook } = await import("../../apply/steps.js");
  if (!isStepName(stopAt))
    throw new UsageError(`VOLPLAN_TEST_STOP_AT names no step: '${stopAt}'`, "apply");
  return stopAtHook(stopAt);
}

function jobsOf(text: string | undefined): number {
  if (text === undefined) return 4;
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
    throw new UsageError(`--jobs must be a whole number from 1 to 256, not '${text}'`, "apply");
  return jobs;
}

/** The apply exit code: failures (and steps skipped for lack of space) beat refusals. */
export function applyExitCode(report: ApplyReport): number {
  if (report.totals.failed > 0 || report.totals.skipped > 0) return EXIT.error;
  return report.totals.refused > 0 ? EXIT.refused : EXIT.ok;
}

interface Target {
  readonly desired: DesiredState;
  readonly saved: { readonly plan: Plan; readonly fingerprint: string } | null;
}

async function loadTarget(
  ctx: CommandContext,
  values: { manifest?: string | undefined },
  planFile: string | undefined,
): Promise<Target | null> {
  if (planFile === undefined) {
    const loaded = await loadOrReport({
      file: manifestPath(ctx, values.manifest),
      cwd: ctx.cwd,
      stderr: ctx.stderr,
    });
    return loaded === null ? null : { desired: loaded.desired, saved: null };
  }
  if (values.manifest !== undefined)
    throw new UsageError("give either --manifest or a PLAN_FILE, not both", "apply");
  const { readSavedPlan } = await import("../../apply/saved-plan.js");
  const { parseManifestText } = await import("../../manifest/load.js");
  const file = resolve(ctx.cwd, planFile);
  const saved = await readSavedPlan(file);
  const parsed = parseManifestText(saved.manifestText, `${file} (embedded manifest)`);
  if (!parsed.ok)
    throw new UserError(
      `${file}: the embedded manifest is not valid: ${parsed.issues[0]?.message ?? "unknown problem"}`,
    );
  return { desired: parsed.desired, saved };
}

// Why no probe for --dry-run: like `volplan plan`, a dry run writes nothing, not even probe files.
async function observeAndPlan(
  target: Target,
  ctx: CommandContext,
  probe: boolean,
): Promise<Plan | null> {
  const { observe } = await import("../../observe/observe.js");
  // A real apply (not --dry-run) records store-path hashes in the cache index, under the lock.
  // Holders of every image only for a saved plan, whose fingerprint recorded them; otherwise
  // those of images the plan may write into (what the planner reads), which skips /proc/locks
  // when nothing would be written. Apply reads /proc/locks again right before any write.
  const snapshot = await observe(target.desired, {
    recordStorePathHashes: probe,
    holders: target.saved === null ? "writable" : "all",
  });
  if (target.saved !== null) {
    const { fingerprintSnapshot } = await import("../../observe/fingerprint.js");
    if (fingerprintSnapshot(snapshot) === target.saved.fingerprint) return target.saved.plan;
    ctx.stderr.write(
      "volplan: the host changed since the plan was made; run volplan plan again. [STALE_PLAN]\n",
    );
    return null;
  }
  const { probeCapabilities } = await import("../../observe/probe-capabilities.js");
  const { execaRunner } = await import("../../apply/runner.js");
  const { plan } = await import("../../plan/plan.js");
  const probed = probe
    ? await probeCapabilities({ desired: target.desired, snapshot, runner: execaRunner })
    : snapshot;
  return plan(target.desired, probed);
}

async function dryRun(target: Target, ctx: CommandContext, json: boolean): Promise<number> {
  const plan = await observeAndPlan(target, ctx, false);
  if (plan === null) return EXIT.error;
  const text = json
    ? `${JSON.stringify({ plan, report: null }, null, 2)}\n`
    : await renderPlan(plan, {
        format: "text",
        color: ctx.color,
        verbose: false,
        space: true,
        title: "volplan apply --dry-run",
      });
  ctx.stdout.write(text);
  return planExitCode(plan, false);
}

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "apply",
    args: ctx.args,
    options: {
      manifest: { type: "string" },
      "dry-run": { type: "boolean" },
      jobs: { type: "string" },
      json: { type: "boolean" },
      "no-wait": { type: "boolean" },
    },
    positionals: true,
  });
  if (positionals.length > 1)
    throw new UsageError(`expected at most one PLAN_FILE, got ${positionals.length}`, "apply");
  const jobs = jobsOf(values.jobs);
  const hook = await stopHook(ctx.env);
  const json = values.json === true;
  const target = await loadTarget(ctx, values, positionals[0]);
  if (target === null) return EXIT.error;
  if (values["dry-run"] === true) return dryRun(target, ctx, json);
  const { acquireHostLock } = await import("../../apply/lock.js");
  const lock = await acquireHostLock({
    stateDir: target.desired.stateDir,
    wait: values["no-wait"] !== true,
    onWaiting: (holder) =>
      ctx.stderr.write(
        `waiting for volplan${holder === null ? "" : ` (pid ${holder.pid})`} to finish…\n`,
      ),
  });
  try {
    const plan = await observeAndPlan(target, ctx, true);
    if (plan === null) return EXIT.error;
    if (!json)
      ctx.stdout.write(
        await renderPlan(plan, {
          format: "text",
          color: ctx.color,
          verbose: false,
          space: true,
          title: "volplan apply",
        }),
      );
    if (!plan.feasible) {
      if (json) ctx.stdout.write(`${JSON.stringify({ plan, report: null }, null, 2)}\n`);
      return EXIT.infeasible;
    }
    const { applyPlan } = await import("../../apply/apply.js");
    const { artifactFetcher } = await import("../../artifacts/apply-fetch.js");
    const fetchArtifact = artifactFetcher({ desired: target.desired });
    const report = await applyPlan({
      plan,
      desired: target.desired,
      options: { jobs, fetchArtifact, ...(hook === undefined ? {} : { hook }) },
    });
    if (json) {
      ctx.stdout.write(`${JSON.stringify({ plan, report }, null, 2)}\n`);
    } else {
      const { renderReportText } = await import("../../render/report-text.js");
      ctx.stdout.write(`\n${renderReportText(report, { color: ctx.color, verbose: false })}`);
    }
    return applyExitCode(report);
  } finally {
    await lock.release();
  }
}

/** The apply command. */
export const applyCommand: Command = {
  name: "apply",
  summary: "make the host match the manifest",
  usage,
  run,
};
