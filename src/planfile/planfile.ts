// Saved plans (`volplan plan --out FILE`, `volplan apply FILE`): write, read, and compare with a fresh plan.
// A plan file is never executed as written: apply plans again from the manifest it embeds and
// goes ahead only when the actions are the ones that were saved (and reviewed).
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import type { Manifest } from "../generated/manifest-types.js";
import type { DesiredState } from "../manifest/desired.js";
import { parseManifestText } from "../manifest/load.js";
import type { Action, Plan } from "../plan/types.js";
import type { Snapshot } from "../plan/snapshot.js";
import { shellCommand } from "../text/shell-quote.js";
import { canonicalJson, fingerprintSnapshot } from "./fingerprint.js";
import { writeFileAtomic } from "./write-file-atomic.js";
import { effectiveUid } from "../host/processes.js";

/** A saved plan as apply reads it back. */
export interface SavedPlan {
  readonly plan: Plan;
  /** The embedded manifest, validated and normalized as any manifest is. */
  readonly desired: DesiredState;
  /** The `--only` selectors the plan was made with. */
  readonly only: readonly string[];
}

/** The plan file's text: the plan, the manifest it came from, the selectors, and a fingerprint of the host. */
export function planFileText(input: {
  readonly plan: Plan;
  readonly snapshot: Snapshot;
  readonly manifest: Manifest;
  readonly only: readonly string[];
}): string {
  const saved: Plan = {
    ...input.plan,
    fingerprint: fingerprintSnapshot(input.snapshot),
    manifest: input.manifest,
    ...(input.only.length === 0 ? {} : { only: [...input.only] }),
  };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

/** Saves a plan (mode 0600, atomically). */
export async function writePlanFile(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic({ file, text, mode: 0o600 });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new VolplanError(
      "PLAN_FILE_UNWRITABLE",
      `cannot save the plan to ${file} (${reason}); choose a --out path in an existing directory you can write to`,
      { cause },
    );
  }
}

function invalid(message: string, cause?: unknown): VolplanError {
  return new VolplanError("PLAN_FILE_INVALID", message, { cause });
}

// Why the checks on the descriptor: root applies what the file says, so it must be a regular file
// that only root (or the user running volplan) could have written; read through the descriptor
// that was checked, never by a name resolved again.
async function readTrusted(file: string): Promise<string> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await open(file, flags).catch((cause: NodeJS.ErrnoException) => {
    const why = cause.code === "ELOOP" ? "it is a symlink" : cause.message;
    throw invalid(
      `cannot read plan file ${file}: ${why}; save a plan with volplan plan --out FILE.`,
      cause,
    );
  });
  try {
    const stats = await handle.stat();
    const euid = effectiveUid();
    if (!stats.isFile())
      throw invalid(`${file} is not a regular file; volplan applies only plan files.`);
    if ((stats.uid !== euid && stats.uid !== 0) || (stats.mode & 0o022) !== 0) {
      throw new VolplanError(
        "PLAN_FILE_UNTRUSTED",
        `${file} is owned by uid ${stats.uid} with mode ${(stats.mode & 0o7777).toString(8).padStart(4, "0")}; volplan applies only plan files owned by root or by the user running it and writable by no one else. Make the plan again with volplan plan --out FILE.`,
      );
    }
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** The commands to suggest when a manifest is given where a saved plan belongs. */
export interface ManifestHint {
  /** Apply it (the caller's command line with --manifest FILE keeps the flags given). */
  readonly apply: string;
  /** Save a plan of it. */
  readonly plan: string;
}

/**
 * Reads a saved plan: a trusted file, a valid plan, with a valid embedded manifest. A manifest
 * given instead is named as one, with the commands `hint` gives (default: plain ones).
 */
export async function readPlanFile(
  file: string,
  hint: ManifestHint = {
    apply: shellCommand("volplan", "apply", "--manifest", file),
    plan: shellCommand("volplan", "plan", "--manifest", file, "--out", "PLAN"),
  },
): Promise<SavedPlan> {
  const text = await readTrusted(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw invalid(`${file} is not JSON; save a plan with volplan plan --out FILE.`, cause);
  }
  if (isManifestLike(data)) {
    throw invalid(
      `${file} is a manifest, not a saved plan; run ${hint.apply}, or save a plan with ${hint.plan}.`,
    );
  }
  const problem = shapeProblem(data);
  if (problem !== null) throw invalid(`${file} is not a volplan plan: ${problem}.`);
  const plan = data as Plan;
  if (plan.manifest === undefined) {
    throw invalid(
      `${file} embeds no manifest; only plans saved with volplan plan --out can be applied. Run volplan plan --out ${file} again.`,
    );
  }
  const parsed = parseManifestText(JSON.stringify(plan.manifest), `${file} (embedded manifest)`);
  if (!parsed.ok) {
    throw invalid(
      `${file}: the embedded manifest is not valid: ${parsed.issues[0]?.message ?? "unknown problem"}`,
    );
  }
  return { plan, desired: parsed.desired, only: plan.only ?? [] };
}

/**
 * What is wrong with the parts of a saved plan apply reads, or null. Apply never carries out the
 * saved actions: it compares them with a fresh plan and prints those that differ, so it needs
 * only these parts to have their types (the schema's full validator is not shipped for this).
 */
function shapeProblem(data: unknown): string | null {
  if (!isObject(data)) return "it is not a JSON object";
  if (data["format_version"] !== 1)
    return "format_version is not 1 (it was saved by another version of volplan)";
  const actions = data["actions"];
  if (!Array.isArray(actions)) return "actions is not a list";
  const index = actions.findIndex((action) => !isActionLike(action));
  if (index !== -1) return `actions/${index} has no kind, reason, and volume or artifact`;
  if (data["manifest"] !== undefined && !isObject(data["manifest"]))
    return "manifest is not an object";
  const only = data["only"];
  if (only !== undefined && !(Array.isArray(only) && only.every((s) => typeof s === "string")))
    return "only is not a list of selectors";
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isActionLike(value: unknown): boolean {
  if (!isObject(value)) return false;
  const subject = typeof value["volume"] === "string" || typeof value["artifact"] === "string";
  return typeof value["kind"] === "string" && typeof value["reason"] === "string" && subject;
}

function isManifestLike(data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  return "version" in data && !("format_version" in data);
}

function actionLine(action: Action): string {
  const subject = "volume" in action ? action.volume : action.artifact;
  return `${action.kind} ${subject}: ${action.reason}`;
}

/**
 * What differs between the actions of a saved plan and a fresh one, one line each ("saved: …",
 * "now: …"); empty when they are identical, field for field.
 */
export function planDifferences(saved: Plan, fresh: Plan): string[] {
  const savedKeys = saved.actions.map((action) => canonicalJson(action));
  const freshKeys = fresh.actions.map((action) => canonicalJson(action));
  if (savedKeys.join("\n") === freshKeys.join("\n")) return [];
  const lines = [
    ...saved.actions
      .filter((_, i) => !freshKeys.includes(savedKeys[i] ?? ""))
      .map((a) => `saved: ${actionLine(a)}`),
    ...fresh.actions
      .filter((_, i) => !savedKeys.includes(freshKeys[i] ?? ""))
      .map((a) => `now:   ${actionLine(a)}`),
  ];
  return lines.length > 0
    ? lines
    : ["the saved plan lists the same actions in another order or more than once"];
}
