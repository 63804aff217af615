// Plans the artifact cache: which artifacts to fetch, which are already good, which are refused.
import type { DesiredArtifact } from "../manifest/desired.js";
import { formatBytes } from "../units/size.js";
import type { ObservedArtifact, Snapshot } from "./snapshot.js";
import type { Action, ArtifactFetchAction, ArtifactRefuseAction } from "./types.js";

const NOT_OBSERVED: ObservedArtifact = {
  path: "",
  filesystem: null,
  state: "missing",
  actualHash: null,
  partialBytes: 0,
};

/** Actions for every declared artifact, in the order given (the caller sorts). */
export function planArtifacts(input: {
  readonly artifacts: readonly DesiredArtifact[];
  readonly observed: Snapshot["artifacts"];
}): Action[] {
  return input.artifacts.map((artifact) =>
    planOne(artifact, input.observed[artifact.name] ?? NOT_OBSERVED),
  );
}

function planOne(artifact: DesiredArtifact, observed: ObservedArtifact): Action {
  const problem = observed.problem ?? null;
  if (artifact.source.kind === "store-path") {
    if (problem !== null) return refuseStorePath(artifact, observed, `${problem.detail}`);
    return planStorePath(artifact, observed);
  }
  if (problem !== null) return refuseUnsafeCache(artifact, observed, problem.detail);
  if (observed.state === "verified") {
    return {
      kind: "artifact-ok",
      artifact: artifact.name,
      path: observed.path,
      reason: `cached and verified (${artifact.hash?.sri ?? "no hash"})`,
      consumes: { filesystem: observed.filesystem ?? "", bytes: 0 },
      hash: artifact.hash?.sri ?? null,
    };
  }
  return fetchAction(artifact, artifact.source.urls, observed);
}

function fetchAction(
  artifact: DesiredArtifact,
  urls: readonly string[],
  observed: ObservedArtifact,
): ArtifactFetchAction {
  const resumeFrom = observed.partialBytes;
  const unsized = artifact.size === null;
  const bytes = unsized ? 0 : Math.max(0, artifact.size - resumeFrom);
  const sizeNote = unsized
    ? "size unknown: not declared, so the space budget cannot count it (declare size to budget it; the download stops before the filesystem's reserve)"
    : `${formatBytes(artifact.size)}`;
  const resumeNote =
    resumeFrom > 0 ? `; resuming after ${formatBytes(resumeFrom)} already downloaded` : "";
  return {
    kind: "artifact-fetch",
    artifact: artifact.name,
    path: observed.path,
    reason: `${whyFetch(observed)}; ${sizeNote}${resumeNote}`,
    consumes: {
      filesystem: observed.filesystem ?? "",
      bytes,
      ...(unsized ? { size_unknown: true } : {}),
    },
    urls: [...urls],
    hash: artifact.hash?.sri ?? "",
    size: artifact.size,
    resume_from: resumeFrom,
  };
}

function whyFetch(observed: ObservedArtifact): string {
  switch (observed.state) {
    case "missing":
      return "not in the cache";
    case "present-unverified":
      return "in the cache but not verified since it last changed; it is re-hashed and downloaded again only if it does not match";
    case "mismatch":
      return `the cached file hashes to ${observed.actualHash ?? "something else"}; it is downloaded again`;
    case "verified":
      return "verified";
  }
}

// The fields every action on an artifact that writes nothing shares.
function writesNothing(artifact: DesiredArtifact, observed: ObservedArtifact) {
  return {
    artifact: artifact.name,
    path: observed.path,
    consumes: { filesystem: observed.filesystem ?? "", bytes: 0 },
  };
}

function planStorePath(artifact: DesiredArtifact, observed: ObservedArtifact): Action {
  const base = writesNothing(artifact, observed);
  if (observed.state === "missing")
    return refuseStorePath(artifact, observed, `${observed.path} does not exist`);
  if (observed.state === "mismatch") {
    return {
      kind: "artifact-refuse",
      ...base,
      refusal: "hash-mismatch",
      found: `${observed.path} hashes to ${observed.actualHash ?? "another hash"}`,
      declared: `hash ${artifact.hash?.sri ?? ""}`,
      fix: `build or substitute the store path that matches the hash, or set hash = "${observed.actualHash ?? ""}" if this path is the one you meant`,
      reason: `artifact ${artifact.name}: ${observed.path} hashes to ${observed.actualHash ?? "another hash"} but the manifest pins ${artifact.hash?.sri ?? ""}; volplan never uses a store path that does not match its hash.`,
    };
  }
  const verified = observed.state === "verified" && artifact.hash !== null;
  return {
    kind: "artifact-ok",
    ...base,
    reason: verified
      ? `store path exists and matches ${artifact.hash.sri}`
      : "store path exists (no hash pinned)",
    hash: verified ? artifact.hash.sri : null,
  };
}

function refuseStorePath(
  artifact: DesiredArtifact,
  observed: ObservedArtifact,
  found: string,
): ArtifactRefuseAction {
  return {
    kind: "artifact-refuse",
    ...writesNothing(artifact, observed),
    refusal: "store-path-missing",
    found,
    declared: `store path ${observed.path} (a regular file)`,
    fix: `build or substitute it first (nix build / nix-store --realise), or point path at the file itself`,
    reason: `artifact ${artifact.name}: ${found}, but the manifest declares it as the artifact; volplan does not build store paths. Build or substitute it, or point path at the artifact file.`,
  };
}

function refuseUnsafeCache(
  artifact: DesiredArtifact,
  observed: ObservedArtifact,
  detail: string,
): ArtifactRefuseAction {
  return {
    kind: "artifact-refuse",
    ...writesNothing(artifact, observed),
    refusal: "unsafe-cache",
    found: detail,
    declared:
      "a cache of directories and files owned by root (or the running user), without symlinks",
    fix: "remove the offending path (volplan recreates the cache) or set stateDir to a directory only root controls",
    reason: `artifact ${artifact.name}: ${detail}; volplan will not read or write through it. Remove it (volplan recreates the cache) or move stateDir.`,
  };
}
