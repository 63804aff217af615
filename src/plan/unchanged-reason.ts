// The reason of a no-change action for an existing image: what was checked.
import { formatBytes } from "../units/size.js";
import type { FoundFilesystem } from "./snapshot.js";
import type { Ownership } from "./types.js";

/** "<path> is 2 MiB ext4 "root" with uid 0, gid 0, mode 0600, as declared" (ownershipText's wording). */
export function unchangedReason(input: {
  path: string;
  size: number;
  filesystem: FoundFilesystem | null;
  ownership: Ownership;
}): string {
  const fs = input.filesystem;
  const content = fs === null ? "raw" : fs.label === null ? fs.type : `${fs.type} "${fs.label}"`;
  const o = input.ownership;
  return `${input.path} is ${formatBytes(input.size)} ${content} with uid ${o.uid}, gid ${o.gid}, mode ${o.mode}, as declared`;
}
