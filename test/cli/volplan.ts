// The one way tests run the CLI: the executable users run (dist/volplan.cjs, built once per test
// run by global-setup.ts), as a child process with a clean, explicit environment.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { inject } from "vitest";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The executable the tests run: `bin` in package.json. */
export const CLI = path.join(ROOT, "dist", "volplan.cjs");

/** How to start volplan. */
export interface StartOptions {
  /** Added to an environment of PATH only (no NO_COLOR, no VOLPLAN_MANIFEST, no HOME). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: the repository root. */
  readonly cwd?: string;
  /** Leads its own process group, so a kill of the group reaches mkfs, cp, resize2fs too. */
  readonly detached?: boolean;
  /** A file to write standard output to (default: a pipe, read into the result). */
  readonly stdout?: { readonly file: string };
  /** Milliseconds before the child is killed (default two minutes). */
  readonly timeout?: number;
}

/** What one run of volplan printed and returned. */
export interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `volplan ARGS` (an execa subprocess: await it for the result); fails at once when the build of the test run failed. */
export function startVolplan(args: readonly string[], options: StartOptions = {}) {
  const buildError = inject("volplanBuildError");
  if (buildError !== "") throw new Error(buildError);
  return execa(process.execPath, [CLI, ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...options.env },
    cwd: options.cwd ?? ROOT,
    detached: options.detached ?? false,
    stdout: options.stdout ?? "pipe",
    timeout: options.timeout ?? 120_000,
    stripFinalNewline: false,
  });
}

/** A running volplan. */
export type Child = ReturnType<typeof startVolplan>;

/** Runs `volplan ARGS` to its end. */
export async function volplan(args: readonly string[], options: StartOptions = {}): Promise<Run> {
  const result = await startVolplan(args, options);
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr),
  };
}
