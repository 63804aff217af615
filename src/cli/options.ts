// Options several commands share: --manifest, --jobs, --only.
import { resolve } from "node:path";
import type { DesiredState } from "../manifest/desired.js";
import { selectDesired } from "../manifest/select.js";
import type { CommandContext } from "./command.js";
import { UsageError } from "./command.js";

/** Where the manifest is read from when neither --manifest nor $VOLPLAN_MANIFEST says. */
export const DEFAULT_MANIFEST = "/etc/volplan/manifest.json";

/** The manifest path from the flag, the environment or the default, resolved against cwd. */
export function manifestPath(ctx: CommandContext, flag: string | undefined): string {
  const fromEnv = ctx.env["VOLPLAN_MANIFEST"];
  const chosen = flag ?? (fromEnv === undefined || fromEnv === "" ? DEFAULT_MANIFEST : fromEnv);
  return resolve(ctx.cwd, chosen);
}

/** The manifest given as FILE or --manifest FILE (not both), else from the environment or the default. */
export function manifestFromArgs(
  ctx: CommandContext,
  given: { readonly flag: string | undefined; readonly positional: string | undefined },
  command: string,
): string {
  if (given.flag !== undefined && given.positional !== undefined)
    throw new UsageError(
      `give the manifest once: FILE or --manifest FILE, not both ('${given.positional}' and '${given.flag}')`,
      command,
    );
  return manifestPath(ctx, given.flag ?? given.positional);
}

/** --jobs N: a whole number from 1 to 256, or `fallback` when not given. */
export function parseJobs(text: string | undefined, command: string, fallback: number): number {
  if (text === undefined) return fallback;
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
    throw new UsageError(`--jobs must be a whole number from 1 to 256, not '${text}'`, command);
  return jobs;
}

/** The manifest narrowed by --only selectors (all of it without any). */
export function applyOnly(
  desired: DesiredState,
  selectors: readonly string[] | undefined,
  command: string,
): DesiredState {
  const selected = selectDesired(desired, selectors ?? []);
  if (!selected.ok) throw new UsageError(selected.message, command);
  return selected.desired;
}
