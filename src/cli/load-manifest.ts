// Loads manifests for commands, turning an unreadable file into an issue or a one-line user error.
import { resolve } from "node:path";
import type { DesiredState } from "../manifest/desired.js";
import type { Issue } from "../manifest/issue.js";
import type { Manifest } from "../generated/manifest-types.js";
import { VolplanError } from "../errors.js";
import type { Writer } from "./command.js";
import { printIssues } from "./print-issues.js";

/** A manifest that loaded, with the warnings it produced. */
export interface Loaded {
  readonly desired: DesiredState;
  readonly manifest: Manifest;
}

function failureIssue(error: unknown): Issue {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof VolplanError ? ` [${error.code}]` : "";
  return { severity: "error", pointer: "", message: `${message}${code}`, fix: "" };
}

async function load(file: string, cwd: string) {
  const { loadManifestFile } = await import("../manifest/load.js");
  try {
    return await loadManifestFile(resolve(cwd, file));
  } catch (error) {
    // Reading the file failed (missing, a directory, no permission): report it like any other issue.
    if (error instanceof VolplanError) return { ok: false as const, issues: [failureIssue(error)] };
    throw error;
  }
}

/** Every issue (errors and warnings) of one manifest file, for `volplan validate`. */
export async function loadIssues(input: {
  readonly file: string;
  readonly cwd: string;
}): Promise<Issue[]> {
  const result = await load(input.file, input.cwd);
  return result.ok ? [...result.warnings] : [...result.issues];
}

/** Loads one manifest; prints its issues to `stderr` and returns null when it has errors. */
export async function loadOrReport(input: {
  readonly file: string;
  readonly cwd: string;
  readonly stderr: Writer;
}): Promise<Loaded | null> {
  const result = await load(input.file, input.cwd);
  if (!result.ok) {
    printIssues(input.stderr, input.file, result.issues);
    return null;
  }
  printIssues(input.stderr, input.file, result.warnings);
  return { desired: result.desired, manifest: result.manifest };
}
