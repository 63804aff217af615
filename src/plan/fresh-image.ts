// What a freshly made image looks like to observe: the declared size, filesystem and ownership.
import type { DesiredVolume } from "../manifest/desired.js";
import type { FoundFilesystem, FoundImage, ObservedEntry } from "./snapshot.js";
import type { Ownership } from "./types.js";

/** An image file as observe describes it. */
export type FileEntry = Extract<ObservedEntry, { type: "file" }>;

/** The filesystem a fresh image of the declared format holds: it spans the whole image. */
export function declaredFilesystem(volume: DesiredVolume, size: number): FoundFilesystem | null {
  const { type, label, uuid } = volume.format;
  return type === "none" ? null : { type, label, uuid, size };
}

/**
 * The header of a fresh qcow2 image as volplan makes it (version 3, 64 KiB clusters), backed by
 * the seed of a "backing" volume (in `backingFormat`, raw unless known).
 */
export function freshQcow2(input: {
  volume: DesiredVolume;
  size: number;
  backingFormat?: "raw" | "qcow2" | undefined;
}): FoundImage {
  const seed = input.volume.seed;
  return {
    format: "qcow2",
    version: 3,
    virtualSize: input.size,
    clusterSize: 65536,
    backing:
      seed?.mode === "backing" ? { file: seed.from, format: input.backingFormat ?? "raw" } : null,
    dirty: false,
    corrupt: false,
    unsupported: null,
  };
}

/** A fresh image file with the given size, allocation and ownership, holding the declared filesystem (of filesystemSize, default the whole image). */
export function freshFile(input: {
  volume: DesiredVolume;
  size: number;
  allocated: number;
  ownership: Ownership;
  filesystemSize?: number;
  backingFormat?: "raw" | "qcow2" | undefined;
}): FileEntry {
  const { ownership } = input;
  // What is inside a qcow2 image is not inspected: observe reports its header, no filesystem.
  const qcow2 = input.volume.kind === "image" && input.volume.imageFormat === "qcow2";
  return {
    type: "file",
    size: input.size,
    allocated: input.allocated,
    uid: ownership.uid,
    gid: ownership.gid,
    mode: Number.parseInt(ownership.mode, 8),
    ino: 0,
    nlink: 1,
    mtimeMs: 0,
    filesystem: qcow2 ? null : declaredFilesystem(input.volume, input.filesystemSize ?? input.size),
    ...(qcow2 ? { image: freshQcow2(input) } : {}),
    holders: [],
  };
}
