// Looks up one declared artifact and says where it is usable, or why it is not yet.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import type { DesiredArtifact, DesiredState } from "../manifest/desired.js";
import { stateDirProblem } from "../host/lock.js";
import { observeArtifacts } from "../observe/artifacts.js";

/** Where a declared artifact can be used now, or a message saying what to run. */
export type CachedLookup =
  | { readonly ok: true; readonly artifact: DesiredArtifact; readonly path: string }
  | { readonly ok: false; readonly message: string };

/** The declared artifact by name (or a message listing the declared names). */
export function findArtifact(desired: DesiredState, name: string): DesiredArtifact | string {
  const artifact = desired.artifacts.find((a) => a.name === name);
  if (artifact !== undefined) return artifact;
  const names = desired.artifacts.map((a) => a.name);
  const declared =
    names.length === 0 ? "it declares no artifacts" : `it declares ${names.join(", ")}`;
  return `the manifest has no artifact ${JSON.stringify(name)}; ${declared}`;
}

/**
 * The verified local path of an artifact: stat and index only, no hashing of cached files.
 * `fetch` is the command that fetches it, as the caller was run (with its --manifest).
 */
export async function findCached(
  desired: DesiredState,
  name: string,
  fetch: string,
): Promise<CachedLookup> {
  const artifact = findArtifact(desired, name);
  if (typeof artifact === "string") return { ok: false, message: artifact };
  // A path handed out through a directory someone else can write could be replaced after.
  const unsafe = stateDirProblem(desired.stateDir);
  if (unsafe !== null) return { ok: false, message: unsafe };
  const observed = (await observeArtifacts({ ...desired, artifacts: [artifact] }))[name];
  if (observed === undefined)
    return { ok: false, message: `artifact ${name} is not cached yet; run ${fetch}` };
  if (observed.problem)
    return { ok: false, message: `artifact ${name}: ${observed.problem.detail}` };
  const usable =
    observed.state === "verified" ||
    (observed.state === "present-unverified" && artifact.source.kind === "store-path");
  if (!usable) {
    if (artifact.source.kind === "store-path") {
      const why =
        observed.state === "missing"
          ? "does not exist"
          : `hashes to ${observed.actualHash ?? "another hash"}, not ${artifact.hash?.sri ?? ""}`;
      return {
        ok: false,
        message: `artifact ${name}: store path ${observed.path} ${why}; build or substitute it first`,
      };
    }
    const state =
      observed.state === "missing" ? "is not cached yet" : "is in the cache but not verified";
    return { ok: false, message: `artifact ${name} ${state}; run ${fetch}` };
  }
  await access(observed.path, constants.R_OK);
  return { ok: true, artifact, path: observed.path };
}
