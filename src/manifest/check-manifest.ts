// Semantic checks the schema cannot express, run on whatever parts of the input are well-formed.
import { checkArtifacts } from "./check-artifacts.js";
import { checkVolumes } from "./check-volumes.js";
import { isRecord } from "./guards.js";
import type { Issue } from "./issue.js";
import { checkAbsolutePath } from "./paths.js";
import { checkReserve } from "./reserve.js";

/** Every semantic issue in a parsed manifest (which may not match the schema). */
export function checkManifest(data: unknown): Issue[] {
  if (!isRecord(data)) return [];
  const stateDir = checkAbsolutePath({
    value: data.stateDir,
    pointer: "/stateDir",
    what: "stateDir",
  });
  const reserve = isRecord(data.policy) ? checkReserve(data.policy.reserve) : null;
  const own = [stateDir, reserve].filter((issue): issue is Issue => issue !== null);
  return [...own, ...checkVolumes(data), ...checkArtifacts(data)];
}
