// Runs nix-instantiate for the Nix tests, and decides whether they run when it or the third-party
// Nix sources (nixpkgs' lib, microvm.nix's modules) are missing.
import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** True under CI=true, where a test that cannot run fails instead of skipping. */
export const inCi = process.env.CI === "true";

/**
 * The environment of every Nix command. Why build-users-group is emptied: a machine where only
 * nix-bin is installed has no nixbld group, and Nix then warns about it on every command;
 * evaluation builds nothing, so build users are never needed.
 */
export const nixEnv: Readonly<Record<string, string>> = {
  NIX_CONFIG: [process.env.NIX_CONFIG, "build-users-group ="].filter(Boolean).join("\n"),
};

/** Runs a Nix command from the repository root with nixEnv; never rejects on a non-zero exit. */
export function runNix(command: string, args: readonly string[], timeoutMs = 120_000) {
  return execa(command, args, { cwd: repoRoot, env: nixEnv, timeout: timeoutMs, reject: false });
}

/**
 * Whether nix-instantiate can evaluate here: present, and usable by this user (as nobody, in a
 * package build, it may be on PATH but unable to open the Nix store's state).
 */
export async function hasNixInstantiate(): Promise<boolean> {
  const result = await runNix("nix-instantiate", ["--eval", "--expr", "1"], 30_000).catch(
    () => null,
  );
  return result?.exitCode === 0 && result.stdout.trim() === "1";
}

/** True when the Nix tests must run: nix-instantiate is present, or CI=true (then they fail without it). */
export const nixAvailable = (await hasNixInstantiate()) || inCi;

/** The sibling folder of third-party Nix sources the tests evaluate against (never copied in). */
export const thirdPartyDir = path.resolve(repoRoot, "..", "shared", "third-party");

/** The files the tests import from thirdPartyDir. */
export const thirdPartyFiles = [
  "nixpkgs-lib/lib/default.nix",
  "microvm-nix/nixos-modules/microvm/options.nix",
  "microvm-nix/nixos-modules/host/options.nix",
  "microvm-nix/nixos-modules/host/default.nix",
] as const;

/** Whether every third-party file the tests need is there. */
export const thirdPartyPresent = thirdPartyFiles.every((file) =>
  existsSync(path.join(thirdPartyDir, file)),
);

/** True when the tests against nixpkgs' lib and microvm.nix must run (under CI=true always). */
export const thirdPartyAvailable = nixAvailable && (thirdPartyPresent || inCi);

/** Evaluates a Nix expression strictly to JSON; throws with Nix's message on failure. */
export async function evalJson(input: {
  readonly expr: string;
  readonly args?: readonly string[];
}): Promise<unknown> {
  const result = await runNix("nix-instantiate", [
    "--eval",
    "--strict",
    "--json",
    ...(input.args ?? []),
    "--expr",
    input.expr,
  ]);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as unknown;
}

/** Evaluates an expression that must fail; returns Nix's error text. */
export async function evalError(expr: string): Promise<string> {
  const result = await runNix("nix-instantiate", ["--eval", "--strict", "--json", "--expr", expr]);
  if (result.exitCode === 0) throw new Error(`expected an evaluation error, got ${result.stdout}`);
  return result.stderr;
}

/** A Nix string literal for a value (JSON strings are valid Nix strings once "${" is escaped). */
export function nixString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "\\${");
}
