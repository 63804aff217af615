// Fetches (or re-verifies) several artifacts in parallel under the global lock; one failure never hides the others.
import pLimit from "p-limit";
import type { DesiredArtifact } from "../manifest/desired.js";
import { cacheLayout } from "../host/state-layout.js";
import { withCacheLock, type LockUse } from "./cache-lock.js";
import { roomAt } from "./cache-room.js";
import { ensureCacheDirs } from "./cache-safety.js";
import { DEFAULT_TUNING, type FetchTuning } from "./fetch-tuning.js";
import { fetchOne, type ArtifactProgress, type FetchOutcome } from "./fetch-one.js";
import { verifyStorePath } from "./verify-store-path.js";

/** The result of one artifact: its outcome, or the error that stopped it. */
export type FetchResult =
  | { readonly ok: true; readonly outcome: FetchOutcome }
  | { readonly ok: false; readonly artifact: string; readonly error: unknown };

/** What to fetch and how. */
export interface FetchArtifactsInput {
  readonly stateDir: string;
  readonly artifacts: readonly DesiredArtifact[];
  /** Re-hash cached files and store paths even when the index vouches for them. */
  readonly verify?: boolean;
  /** Parallel downloads (default 2). */
  readonly jobs?: number;
  readonly tuning?: FetchTuning;
  readonly onProgress?: (progress: ArtifactProgress) => void;
  /**
   * Bytes to keep free on the cache's filesystem: a download that would go below stops (apply
   * passes its plan's budget.reserve; `artifact fetch` policyReserveAt). Without it, only a full
   * filesystem stops a download.
   */
  readonly reserve?: number;
  /** Pass { held: true } from a caller that already holds the global lock. */
  readonly lock?: Omit<LockUse, "stateDir">;
  /** The command a message suggests to fetch an artifact again (default: volplan artifact fetch NAME). */
  readonly retry?: (name: string) => string;
}

/** Makes every given artifact present and verified; returns one result per artifact, in input order. */
export async function fetchArtifacts(input: FetchArtifactsInput): Promise<FetchResult[]> {
  const layout = cacheLayout(input.stateDir);
  return withCacheLock({ stateDir: input.stateDir, ...input.lock }, async () => {
    if (input.artifacts.some((a) => a.source.kind === "urls")) await ensureCacheDirs(layout);
    const limit = pLimit(Math.max(1, input.jobs ?? 2));
    const verify = input.verify ?? false;
    const tuning = input.tuning ?? DEFAULT_TUNING;
    const room = input.reserve === undefined ? null : roomAt(layout.partials, input.reserve);
    const one = async (artifact: DesiredArtifact): Promise<FetchResult> => {
      try {
        const outcome =
          artifact.source.kind === "urls"
            ? await fetchOne({
                layout,
                artifact: { ...artifact, source: artifact.source },
                verify,
                tuning,
                onProgress: input.onProgress,
                room,
                retry: input.retry ?? ((name) => `volplan artifact fetch ${name}`),
              })
            : await verifyStorePath({ layout, artifact, path: artifact.source.path, verify });
        return { ok: true, outcome };
      } catch (error) {
        return { ok: false, artifact: artifact.name, error };
      }
    };
    // Artifacts sharing a hash share a partial file: fetch them one after another (the later ones link the first).
    const results = new Map<string, FetchResult>();
    await Promise.all(
      groupByHash(input.artifacts).map((group) =>
        limit(async () => {
          for (const artifact of group) results.set(artifact.name, await one(artifact));
        }),
      ),
    );
    return input.artifacts.map(
      (a) =>
        results.get(a.name) ?? { ok: false, artifact: a.name, error: new Error("not fetched") },
    );
  });
}

function groupByHash(artifacts: readonly DesiredArtifact[]): DesiredArtifact[][] {
  const groups = new Map<string, DesiredArtifact[]>();
  for (const artifact of artifacts) {
    const key =
      artifact.source.kind === "urls"
        ? `hash:${artifact.hash?.hex ?? ""}`
        : `name:${artifact.name}`;
    groups.set(key, [...(groups.get(key) ?? []), artifact]);
  }
  return [...groups.values()];
}
