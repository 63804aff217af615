// Runs nix-instantiate for the Nix tests, and decides whether they run when it is missing.
import { execa } from "execa";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Whether nix-instantiate can be run here. */
export async function hasNixInstantiate(): Promise<boolean> {
  const result = await execa("nix-instantiate", ["--version"], { reject: false, timeout: 10_000 });
  return result.exitCode === 0;
}

/** True when the Nix tests must run: nix-instantiate is present, or CI=true (then they fail without it). */
export const nixAvailable = (await hasNixInstantiate()) || process.env.CI === "true";

/** Evaluates a Nix expression strictly to JSON; throws with Nix's message on failure. */
export async function evalJson(input: {
  readonly expr: string;
  readonly args?: readonly string[];
}): Promise<unknown> {
  const result = await execa(
    "nix-instantiate",
    ["--eval", "--strict", "--json", ...(input.args ?? []), "--expr", input.expr],
    { cwd: repoRoot, timeout: 120_000, reject: false },
  );
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as unknown;
}

/** Evaluates an expression that must fail; returns Nix's error text. */
export async function evalError(expr: string): Promise<string> {
  const result = await execa("nix-instantiate", ["--eval", "--strict", "--json", "--expr", expr], {
    cwd: repoRoot,
    timeout: 120_000,
    reject: false,
  });
  if (result.exitCode === 0) throw new Error(`expected an evaluation error, got ${result.stdout}`);
  return result.stderr;
}

/** A Nix string literal for a value (JSON strings are valid Nix strings once "${" is escaped). */
export function nixString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "\\${");
}
