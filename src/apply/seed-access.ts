// Whether a seed's contents may go into an image: everyone the image's declared owner, group and
// mode let read the copy must be able to read the seed itself, unless only root could have put
// the seed at its declared name. Why: cp runs as root and follows symlinks (seeds in Nix profiles
// are links into the store), so a seed name that the image's owner (or anyone) can replace would
// otherwise copy a root-only file into an image they read.
import type { Stats } from "node:fs";
import { lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
import type { FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import type { Ownership, SeedAction } from "../plan/types.js";
import { ancestorsOf } from "../host/path-trust.js";

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

// Whether only root can change what sits at `file`: every directory above it root's and writable
// by no one else (a sticky ancestor such as /tmp is fine, but not as the file's own directory).
function rootOnlyPlace(file: string): boolean {
  const dirs = ancestorsOf(file);
  return dirs.every((dir, index) => {
    const stats = lstatSync(dir);
    const sticky = (stats.mode & 0o1000) !== 0 && index < dirs.length - 1;
    return stats.isDirectory() && stats.uid === 0 && ((stats.mode & 0o022) === 0 || sticky);
  });
}

// True when only root decided what the declared name opens: a file of root's, reached from the
// declared name through symlinks that are root's too, each in a place only root controls, to the
// very file opened (the kernel's name of the descriptor).
function chosenByRoot(input: { declared: string; real: string; stats: Stats }): boolean {
  if (input.stats.uid !== 0) return false;
  let at = path.resolve(input.declared);
  // Linux follows at most 40 links in one lookup.
  for (let hops = 0; hops <= 40; hops++) {
    if (!rootOnlyPlace(at)) return false;
    const stats = lstatSync(at);
    if (!stats.isSymbolicLink()) return at === input.real;
    if (stats.uid !== 0) return false;
    at = path.resolve(path.dirname(at), readlinkSync(at));
  }
  return false;
}

/**
 * Why the seed declared as `declared` and open as `fd` (its fstat `stats`) must not be copied
 * into an image of `ownership`: someone who may read the image could not read the seed (its file
 * mode, or a directory on its real path they cannot search), and it is not a file of root's that
 * only root could have put at the declared name; null when it may be copied.
 */
export function seedAccessProblem(input: {
  declared: string;
  fd: number;
  stats: Stats;
  ownership: Ownership;
}): string | null {
  const readers = readersOf(input.ownership);
  if (readers.length === 0) return null;
  // The kernel's name of the opened file: every symlink on the way resolved.
  const real = readlinkSync(`/proc/self/fd/${input.fd}`);
  // What root alone chose (see chosenByRoot) is the manifest author's choice.
  if (chosenByRoot({ declared: input.declared, real, stats: input.stats })) return null;
  const ancestors = ancestorsOf(real).map((dir) => ({ dir, stats: lstatSync(dir) }));
  for (const reader of readers) {
    if (!allows(input.stats, reader, 0o4)) return `${real} is not readable by ${describe(reader)}`;
    for (const { dir, stats } of ancestors) {
      if (!allows(stats, reader, 0o1))
        return `${describe(reader)} cannot reach ${real} (directory ${dir} is closed to it)`;
    }
  }
  return null;
}

/**
 * The seed open as `handle` (its fstat `info`) when its contents may go into action.path;
 * otherwise closes it and throws SEED_UNREADABLE (nothing was copied).
 */
export async function readableSeed(
  action: SeedAction,
  handle: FileHandle,
  info: Stats,
): Promise<FileHandle> {
  let problem: string | null;
  try {
    problem = seedAccessProblem({
      declared: action.from,
      fd: handle.fd,
      stats: info,
      ownership: action.ownership,
    });
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (problem === null) return handle;
  await handle.close();
  throw new VolplanError(
    "SEED_UNREADABLE",
    `volume ${action.volume}: seed ${action.from}: ${problem}, who may read ${action.path} (uid ${action.ownership.uid}, gid ${action.ownership.gid}, mode ${action.ownership.mode}); nothing was copied. Use a seed they can read (such as a store path), or make this one readable by them if its contents are meant for them.`,
  );
}
