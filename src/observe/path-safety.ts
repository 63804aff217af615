// Walks a volume's parents from / down, looking for anything that makes writing there unsafe.
import type { Stats } from "node:fs";
import { dirname } from "node:path";
import type { PathProblem } from "../plan/snapshot.js";
import type { HostFs } from "./host-fs.js";
import type { LstatCache } from "./lstat-cache.js";

/** What the walk found: the first problem (top-down) and the deepest directory that exists. */
export interface PathWalk {
  readonly problem: PathProblem | null;
  /** The deepest existing ancestor directory and its lstat, for the filesystem id. */
  readonly nearest: { readonly path: string; readonly stats: Stats } | null;
}

/** Who may own the parents: root and the volume's owner; group write is fine for root and its group. */
export interface Trusted {
  readonly uid: number | null;
  readonly gid: number | null;
}

/** Every ancestor directory of an absolute path, from "/" down to its parent. */
export function ancestorsOf(path: string): string[] {
  const chain: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    chain.push(dir);
    if (dir === "/") break;
  }
  return chain.reverse();
}

/** Checks every ancestor of `path` (lstat only, never following a symlink). */
export function walkParents(input: {
  path: string;
  cache: LstatCache;
  host: HostFs;
  trusted: Trusted;
}): PathWalk {
  const { path, cache, host, trusted } = input;
  const chain = ancestorsOf(path);
  let nearest: PathWalk["nearest"] = null;
  let problem: PathProblem | null = null;
  for (const [index, dir] of chain.entries()) {
    const stats = cache.lstat(dir);
    const blocking = blockingProblem({ dir, stats, host });
    if (blocking !== null) return { problem: problem ?? blocking, nearest };
    if (stats === null) break; // unreachable: blockingProblem reports a missing parent
    nearest = { path: dir, stats };
    const unsafe = unsafeReason(stats, trusted, index === chain.length - 1);
    if (problem === null && unsafe !== null) {
      problem = { code: "unsafe-parent", at: dir, detail: unsafe };
    }
  }
  return { problem, nearest };
}

// A parent that is missing, a symlink or not a directory ends the walk.
function blockingProblem(input: {
  dir: string;
  stats: Stats | null;
  host: HostFs;
}): PathProblem | null {
  const { dir, stats, host } = input;
  if (stats === null) return { code: "parent-missing", at: dir, detail: "does not exist" };
  if (stats.isSymbolicLink()) {
    const target = host.readlink(dir) ?? "an unreadable target";
    return { code: "symlinked-parent", at: dir, detail: `is a symlink to ${target}` };
  }
  if (!stats.isDirectory()) {
    return { code: "parent-not-directory", at: dir, detail: `is ${kindOf(stats)}` };
  }
  return null;
}

/** Why a directory lets someone other than root or the volume's owner swap what is below it; null when safe. */
export function unsafeReason(stats: Stats, trusted: Trusted, isParent: boolean): string | null {
  const mode = stats.mode & 0o7777;
  const modeText = mode.toString(8).padStart(4, "0");
  if (stats.uid !== 0 && stats.uid !== trusted.uid) {
    return `is owned by uid ${stats.uid}, not root or the volume's owner (mode ${modeText})`;
  }
  // The sticky bit stops others from replacing entries they do not own, which protects the
  // path to the image but not the image's own directory: anyone could create the image
  // (or its temp file) there first. So sticky only excuses ancestors.
  const sticky = (mode & 0o1000) !== 0 && !isParent;
  const trustedGroup = stats.gid === 0 || stats.gid === trusted.gid;
  if ((mode & 0o020) !== 0 && !trustedGroup && !sticky) {
    return `is writable by group ${stats.gid} (mode ${modeText})`;
  }
  if ((mode & 0o002) !== 0 && !sticky) return `is writable by everyone (mode ${modeText})`;
  return null;
}

/** A short name for what a non-directory is. */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return "a regular file";
  if (stats.isSymbolicLink()) return "a symlink";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return stats.isDirectory() ? "a directory" : "of an unknown type";
}

/** walkParents memoized per (parent directory, trusted owner and group): images usually share directories. */
export class ParentWalks {
  readonly #walks = new Map<string, PathWalk>();

  constructor(
    readonly cache: LstatCache,
    readonly host: HostFs,
  ) {}

  /** The walk for `path`'s parent directory, done at most once per directory and trust. */
  walk(path: string, trusted: Trusted): PathWalk {
    const key = `${dirname(path)}\0${trusted.uid}\0${trusted.gid}`;
    let walk = this.#walks.get(key);
    if (walk === undefined) {
      walk = walkParents({ path, cache: this.cache, host: this.host, trusted });
      this.#walks.set(key, walk);
    }
    return walk;
  }
}
