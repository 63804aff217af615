// Whether a directory lets someone other than root or a trusted owner swap names below it.
import type { Stats } from "node:fs";
import { lstatSync } from "node:fs";
import { dirname } from "node:path";

/** Who may own the parents: root and the volume's owner; group write is fine for root and its group. */
export interface Trusted {
  readonly uid: number | null;
  readonly gid: number | null;
  /** Who the trusted uid is, for messages (default "the volume's owner"). */
  readonly owner?: string;
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

/** Why a directory lets someone other than root or the volume's owner swap what is below it; null when safe. */
export function unsafeReason(stats: Stats, trusted: Trusted, isParent: boolean): string | null {
  const mode = stats.mode & 0o7777;
  const modeText = mode.toString(8).padStart(4, "0");
  if (stats.uid !== 0 && stats.uid !== trusted.uid) {
    return `is owned by uid ${stats.uid}, not root or ${trusted.owner ?? "the volume's owner"} (mode ${modeText})`;
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

/**
 * Why `dir` or one of its ancestors is unsafe to keep root's files in (a symlink, not a
 * directory, or a directory someone untrusted can write), or null when every one is safe or the
 * first missing one is reached (what does not exist yet is created by root). lstat only.
 */
export function untrustedDirectory(dir: string, trusted: Trusted): string | null {
  const chain = [...ancestorsOf(dir), dir];
  for (const [index, at] of chain.entries()) {
    let stats: Stats;
    try {
      stats = lstatSync(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return null;
      throw error;
    }
    if (stats.isSymbolicLink()) return `${at} is a symlink`;
    if (!stats.isDirectory()) return `${at} is ${kindOf(stats)}, not a directory`;
    const reason = unsafeReason(stats, trusted, index === chain.length - 1);
    if (reason !== null) return `${at} ${reason}`;
  }
  return null;
}
