// The read-only filesystem calls observe makes, behind one seam (synchronous and asynchronous forms).
import type { BigIntStatsFs, Stats } from "node:fs";
import type { FoundFilesystem } from "../plan/snapshot.js";

/** statfs numbers observe uses. */
export interface FsUsage {
  readonly blockSize: number;
  readonly blocks: number;
  readonly available: number;
}

/** Every host read observe makes. "Not there" (ENOENT, ENOTDIR) is null; other failures throw. */
export interface HostFs {
  lstat(path: string): Promise<Stats | null>;
  /** stat that follows symlinks. */
  stat(path: string): Promise<Stats | null>;
  readlink(path: string): Promise<string | null>;
  /** The path with every symlink resolved. */
  realpath(path: string): Promise<string | null>;
  readdir(path: string): Promise<string[] | null>;
  readText(path: string): Promise<string | null>;
  statfs(path: string): Promise<FsUsage | null>;
  /**
   * The filesystem whose superblock starts a regular file or block device (one open, a read of
   * FIRST_BYTES and, only when no ext or XFS superblock is there, of the rest of HEAD_BYTES, one
   * close; never following symlinks); null when none is known or the path no longer is the file
   * `expect` describes.
   */
  probeSuperblock(input: { path: string; expect: Stats }): Promise<FoundFilesystem | null>;
}

/** True for errors that mean the path (or one of its parents) is not there. */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** statfs results as numbers (bigint first, so huge filesystems are not rounded). */
export function usageFrom(stats: BigIntStatsFs): FsUsage {
  return {
    blockSize: Number(stats.bsize),
    blocks: Number(stats.blocks),
    available: Number(stats.bavail),
  };
}

/** True when the opened file is the one lstat saw (it was not swapped for another in between). */
export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.mode === b.mode && a.rdev === b.rdev;
}
