// The artifact-fetch executor volplan apply plugs in (apply already holds the global lock).
import type { ArtifactFetcher } from "../apply/execute.js";
import type { DesiredState } from "../manifest/desired.js";
import { VolplanError } from "../errors.js";
import { fetchArtifacts } from "./fetch-artifacts.js";
import type { ArtifactProgress } from "./fetch-one.js";
import type { FetchTuning } from "./fetch-tuning.js";

/** An ArtifactFetcher for `applyPlan({ options: { fetchArtifact } })`; runs under the caller's lock. */
export function artifactFetcher(input: {
  readonly desired: DesiredState;
  /** The bytes a download must leave free on a filesystem: the plan's reserve there. */
  readonly reserveOn: (filesystem: string) => number;
  readonly onProgress?: (progress: ArtifactProgress) => void;
  readonly tuning?: FetchTuning;
}): ArtifactFetcher {
  return async (action) => {
    const artifact = input.desired.artifacts.find((a) => a.name === action.artifact);
    if (artifact === undefined) {
      throw new VolplanError(
        "ARTIFACT_UNKNOWN",
        `artifact ${action.artifact} is not declared in the manifest`,
      );
    }
    const [result] = await fetchArtifacts({
      stateDir: input.desired.stateDir,
      artifacts: [artifact],
      lock: { held: true },
      reserve: input.reserveOn(action.consumes.filesystem),
      ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
      ...(input.tuning === undefined ? {} : { tuning: input.tuning }),
    });
    if (result === undefined)
      throw new VolplanError("ARTIFACT_UNKNOWN", `artifact ${action.artifact}: nothing fetched`);
    if (!result.ok) throw result.error;
    const { outcome } = result;
    return {
      note: `${outcome.status}, ${outcome.bytes} bytes${outcome.resumedFrom > 0 ? `, resumed after ${outcome.resumedFrom}` : ""}`,
    };
  };
}
