// What a freshly made image looks like to observe: the declared size, filesystem and ownership.
import type { DesiredVolume } from "../manifest/desired.js";
import type { FoundFilesystem, ObservedEntry } from "./snapshot.js";
import type { Ownership } from "./types.js";

/** An image file as observe describes it. */
export type FileEntry = Extract<ObservedEntry, { type: "file" }>;

/** The filesystem a fresh image of the declared format holds: it spans the whole image. */
export function declaredFilesystem(volume: DesiredVolume, size: number): FoundFilesystem | null {
  const { type, label, uuid } = volume.format;
  return type === "none" ? null : { type, label, uuid, size };
}

/** A fresh image file with the given size, allocation and ownership, holding the declared filesystem (of filesystemSize, default the whole image). */
export function freshFile(input: {
  volume: DesiredVolume;
  size: number;
  allocated: number;
  ownership: Ownership;
  filesystemSize?: number;
}): FileEntry {
  const { ownership } = input;
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
    filesystem: declaredFilesystem(input.volume, input.filesystemSize ?? input.size),
    holders: [],
  };
}
