// Rules across volumes: one path per volume, nothing inside volplan's own state directory.
import { checkVolume } from "./check-volume.js";
import { sortedEntries, stringAt, isRecord } from "./guards.js";
import { error, pointer, type Issue } from "./issue.js";
import { isSameOrInside, normalizePath, pathProblem } from "./paths.js";

/** The default state directory. */
export const DEFAULT_STATE_DIR = "/var/lib/volplan";

/** Issues with the manifest's volumes, each on its own and against each other and stateDir. */
export function checkVolumes(manifest: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const declaredStateDir = stringAt(manifest, "stateDir");
  const stateDir =
    declaredStateDir === undefined || pathProblem(declaredStateDir) !== null
      ? DEFAULT_STATE_DIR
      : normalizePath(declaredStateDir);
  const owners = new Map<string, string>();
  const entries = sortedEntries(manifest.volumes);
  // Indexed loop, no destructuring or spreads: cold code pays the iterator protocol per volume.
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as [string, unknown];
    const id = entry[0];
    const volume = entry[1];
    const path = isRecord(volume) ? stringAt(volume, "path") : undefined;
    const problem = path === undefined ? null : pathProblem(path);
    checkVolume({ id, volume, problem, issues });
    if (path === undefined || path === "" || problem !== null) continue;
    const normalized = normalizePath(path);
    const first = owners.get(normalized);
    if (first !== undefined) {
      issues.push(
        error(
          pointer("volumes", id, "path"),
          `volumes ${JSON.stringify(first)} and ${JSON.stringify(id)} both use ${normalized}; each volume needs its own image.`,
          `Give volume ${JSON.stringify(id)} a different path, or remove one of the two volumes.`,
        ),
      );
    } else {
      owners.set(normalized, id);
    }
    if (isSameOrInside(normalized, stateDir)) {
      issues.push(
        error(
          pointer("volumes", id, "path"),
          `volume ${JSON.stringify(id)}: path ${normalized} is inside volplan's state directory ${stateDir}, which volplan manages itself.`,
          `Move the image outside ${stateDir}, for example to /var/lib/microvms/${id}.img.`,
        ),
      );
    }
  }
  return issues;
}
