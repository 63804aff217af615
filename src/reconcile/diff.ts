// `volplan diff OLD NEW`: plans NEW against the host OLD describes, without looking at the real one.
import type { DesiredState } from "../manifest/desired.js";
import { plan } from "../plan/plan.js";
import type { Plan, PlanWarning } from "../plan/types.js";
import { diffSnapshot } from "./diff-snapshot.js";

/** Warnings for volumes and artifacts OLD declares and NEW does not: they are left alone, never deleted. */
export function removalWarnings(oldState: DesiredState, newState: DesiredState): PlanWarning[] {
  const volumes = new Set(newState.volumes.map((v) => v.id));
  const artifacts = new Set(newState.artifacts.map((a) => a.name));
  const removedVolumes = oldState.volumes
    .filter((v) => !volumes.has(v.id))
    .map((v) => ({
      code: "volume-removed" as const,
      subject: v.id,
      message: `volume ${v.id} (${v.path}) is no longer declared; volplan leaves the image in place and never deletes it. Remove ${v.path} yourself if its data is no longer needed.`,
    }));
  const removedArtifacts = oldState.artifacts
    .filter((a) => !artifacts.has(a.name))
    .map((a) => ({
      code: "artifact-removed" as const,
      subject: a.name,
      message: `artifact ${a.name} is no longer declared; its cached copy stays until \`volplan gc\` removes unreferenced entries.`,
    }));
  return [...removedVolumes, ...removedArtifacts];
}

/** Plans NEW against the host OLD describes; budgets are dropped because that host is imaginary. */
export function diffManifests(oldState: DesiredState, newState: DesiredState): Plan {
  const snapshot = diffSnapshot({ oldState, newState });
  const result = plan(newState, snapshot);
  return {
    ...result,
    filesystems: [],
    warnings: [...result.warnings, ...removalWarnings(oldState, newState)],
  };
}
