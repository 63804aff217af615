// The reason of a no-change action for an existing image: what was checked.
import { formatBytes } from "../units/size.js";
import type { FoundFilesystem } from "./snapshot.js";
import type { Ownership } from "./types.js";

// The last reason's tail (all after the path) and what it was built from: the volumes of one
// manifest mostly share size, filesystem and ownership, so most reasons reuse the tail.
// Deterministic, so the planner stays pure.
let lastSize = -1;
let lastContent = "";
let lastUid = -1;
let lastGid = -1;
let lastMode = "";
let lastTail = "";

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
  if (
    lastTail === "" ||
    input.size !== lastSize ||
    content !== lastContent ||
    o.uid !== lastUid ||
    o.gid !== lastGid ||
    o.mode !== lastMode
  ) {
    lastTail = ` is ${formatBytes(input.size)} ${content} with uid ${o.uid}, gid ${o.gid}, mode ${o.mode}, as declared`;
    lastSize = input.size;
    lastContent = content;
    lastUid = o.uid;
    lastGid = o.gid;
    lastMode = o.mode;
  }
  return input.path + lastTail;
}
