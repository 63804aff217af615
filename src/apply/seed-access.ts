// Whether a seed's contents may go into an image: everyone the image's declared owner, group and
// mode let read the copy must be able to read the seed itself. Why: cp runs as root and follows
// symlinks (seeds in Nix profiles are links into the store), so a seed name that the image's
// owner (or anyone) can replace would otherwise copy a root-only file into an image they read.
import type { Stats } from "node:fs";
import { lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
import type { Ownership } from "../plan/types.js";

// Who reads the image: a uid (its owner), a gid (its group, when the mode lets it), or everyone.
type Reader = { readonly uid: number } | { readonly gid: number } | "everyone";

// The permission bits (r or x, as `bit` in the "other" position) that apply to `reader` on `stats`.
// A group reader's members are unknown: unless the object's group is that group, the "other"
// bits apply (never the owner's), which can only refuse more, not less.
function allows(stats: Stats, reader: Reader, bit: number): boolean {
  if (reader !== "everyone" && "uid" in reader && stats.uid === reader.uid)
    return (stats.mode & (bit << 6)) !== 0;
  if (reader !== "everyone" && "gid" in reader && stats.gid === reader.gid)
    return (stats.mode & (bit << 3)) !== 0;
  return (stats.mode & bit) !== 0;
}

function readersOf(ownership: Ownership): Reader[] {
  const mode = parseInt(ownership.mode, 8);
  const readers: Reader[] = [];
  // root reads everything; the owner can always chmod its own image to read it.
  if (ownership.uid !== 0) readers.push({ uid: ownership.uid });
  if ((mode & 0o040) !== 0 && ownership.gid !== 0) readers.push({ gid: ownership.gid });
  if ((mode & 0o004) !== 0) readers.push("everyone");
  return readers;
}

function describe(reader: Reader): string {
  if (reader === "everyone") return "everyone";
  return "uid" in reader ? `uid ${reader.uid}` : `group ${reader.gid}`;
}

/**
 * Why the seed open as `fd` (its fstat `stats`) must not be copied into an image of `ownership`:
 * someone who may read the image could not read the seed (its file mode, or a directory on its
 * real path they cannot search); null when everyone who reads the image could read the seed.
 */
export function seedAccessProblem(input: {
  fd: number;
  stats: Stats;
  ownership: Ownership;
}): string | null {
  const readers = readersOf(input.ownership);
  if (readers.length === 0) return null;
  // The kernel's name of the opened file: every symlink on the way resolved.
  const real = readlinkSync(`/proc/self/fd/${input.fd}`);
  const ancestors: string[] = [];
  for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const reader of readers) {
    if (!allows(input.stats, reader, 0o4)) return `${real} is not readable by ${describe(reader)}`;
    for (const dir of ancestors) {
      if (!allows(lstatSync(dir), reader, 0o1))
        return `${describe(reader)} cannot reach ${real} (directory ${dir} is closed to it)`;
    }
  }
  return null;
}
