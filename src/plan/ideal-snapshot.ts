// A host where every declared volume and artifact already exists exactly as declared.
import type { DesiredArtifact, DesiredState, DesiredVolume } from "../manifest/desired.js";
import { mkfsMetadataEstimate } from "./mkfs-metadata.js";
import { modeText } from "./ownership.js";
import { declaredFilesystem, freshFile } from "./fresh-image.js";
import type { ObservedArtifact, ObservedFilesystem, ObservedVolume, Snapshot } from "./snapshot.js";

/** The id of the one filesystem of an ideal snapshot. */
export const IDEAL_FILESYSTEM = "0:1";

// Big enough that no declared volume overcommits it (4 PiB).
const IDEAL_SIZE = 2 ** 52;

const idealFilesystem: ObservedFilesystem = {
  id: IDEAL_FILESYSTEM,
  mountPoint: "/",
  type: "ext4",
  total: IDEAL_SIZE,
  free: IDEAL_SIZE,
  blockSize: 4096,
  capabilities: { sparse: true, reflink: false, fallocate: true },
};

/** Stable fake ids for names: root is 0, the others 1000 and up in code-point order. */
export function fakeIds(names: Iterable<string>): Record<string, number> {
  const sorted = [...new Set(names)].filter((n) => n !== "root").sort();
  const ids: Record<string, number> = { root: 0 };
  sorted.forEach((name, index) => (ids[name] = 1000 + index));
  return ids;
}

function idOf(value: string | number, table: Record<string, number>): number {
  return typeof value === "number" ? value : (table[value] ?? 0);
}

function idealVolume(
  volume: DesiredVolume,
  ids: { users: Record<string, number>; groups: Record<string, number> },
): ObservedVolume {
  const base = { path: volume.path, filesystem: IDEAL_FILESYSTEM, pathProblem: null };
  if (volume.kind === "block-device") {
    return {
      ...base,
      entry: {
        type: "block-device",
        size: volume.size,
        filesystem: declaredFilesystem(volume, volume.size),
        holders: [],
      },
    };
  }
  const ownership = {
    uid: idOf(volume.owner, ids.users),
    gid: idOf(volume.group, ids.groups),
    mode: modeText(volume.mode),
  };
  const allocated =
    volume.allocation === "sparse"
      ? mkfsMetadataEstimate(volume.format.type, volume.size)
      : volume.size;
  return { ...base, entry: freshFile({ volume, size: volume.size, allocated, ownership }) };
}

function idealArtifact(artifact: DesiredArtifact, stateDir: string): ObservedArtifact {
  const path =
    artifact.source.kind === "store-path"
      ? artifact.source.path
      : `${stateDir}/cache/sha256/${artifact.hash?.hex ?? "unknown"}/${artifact.source.fileName}`;
  return {
    path,
    filesystem: IDEAL_FILESYSTEM,
    state: "verified",
    actualHash: null,
    partialBytes: 0,
  };
}

/** A snapshot in which everything already exists as declared, on one large filesystem "0:1" mounted at "/". */
export function idealSnapshot(desired: DesiredState): Snapshot {
  const users = fakeIds(
    desired.volumes.flatMap((v) => (typeof v.owner === "string" ? [v.owner] : [])),
  );
  const groups = fakeIds(
    desired.volumes.flatMap((v) => (typeof v.group === "string" ? [v.group] : [])),
  );
  const volumes: Record<string, ObservedVolume> = {};
  const seeds: Record<string, Snapshot["seeds"][string]> = {};
  for (const volume of desired.volumes) {
    volumes[volume.id] = idealVolume(volume, { users, groups });
    if (volume.seed !== null) {
      const known = seeds[volume.seed.from]?.size ?? volume.size;
      seeds[volume.seed.from] = {
        path: volume.seed.from,
        exists: true,
        size: Math.min(known, volume.size),
        allocated: 0,
        filesystem: IDEAL_FILESYSTEM,
      };
    }
  }
  const artifacts: Record<string, ObservedArtifact> = {};
  for (const artifact of desired.artifacts)
    artifacts[artifact.name] = idealArtifact(artifact, desired.stateDir);
  return {
    volumes,
    filesystems: { [IDEAL_FILESYSTEM]: idealFilesystem },
    tempFiles: [],
    seeds,
    artifacts,
    users,
    groups,
  };
}
