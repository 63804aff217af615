// Runs the built CLI (dist/volplan.cjs) as a child process with a clean, explicit environment.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { inject } from "vitest";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The bundle the tests run. */
export const CLI = path.join(ROOT, "dist", "volplan.cjs");

/** What one run of volplan printed and returned. */
export interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `volplan ARGS`; env starts from PATH only (no NO_COLOR, no VOLPLAN_MANIFEST) plus `env`. */
export async function volplan(
  args: readonly string[],
  options: { readonly env?: Record<string, string>; readonly cwd?: string } = {},
): Promise<Run> {
  const buildError = inject("volplanBuildError");
  if (buildError !== "") throw new Error(buildError);
  const result = await execa(process.execPath, [CLI, ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...options.env },
    cwd: options.cwd ?? ROOT,
    timeout: 120_000,
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
