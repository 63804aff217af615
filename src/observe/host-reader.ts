// The read-only filesystem calls observe makes, behind one seam (it has no call that writes). Synchronous: observe reads local
// files and /proc, where a thread-pool round trip and a promise per call cost more than the call.
import type { BigIntStatsFs, Dirent, Stats } from "node:fs";
import type { ImageFormat } from "../manifest/desired.js";
import type { FoundFilesystem, FoundImage } from "../plan/snapshot.js";

/** statfs numbers observe uses. */
export interface FsUsage {
  readonly blockSize: number;
  readonly blocks: number;
  readonly available: number;
}

/** Every host read observe makes. "Not there" (ENOENT, ENOTDIR) is null; other failures throw. */
export interface HostReader {
  lstat(path: string): Stats | null;
  /** stat that follows symlinks. */
  stat(path: string): Stats | null;
  readlink(path: string): string | null;
  /** The path with every symlink resolved. */
  realpath(path: string): string | null;
  readdir(path: string): string[] | null;
  /** A directory's names, each with whether the listing says it is a regular file (no stat). */
  listDirectory(path: string): Listing | null;
  readText(path: string): string | null;
  /**
   * The text of a regular file, opened without following a symlink or blocking (null: missing,
   * or not a regular file); with `written`, only a file of that owner of at most that many bytes,
   * checked on the descriptor read (null otherwise).
   */
  readRegularText(path: string, written?: { owner: number; maxBytes: number }): string | null;
  statfs(path: string): FsUsage | null;
  /**
   * The filesystem whose superblock starts a regular file or block device (one open, a read of
   * FIRST_BYTES and, only when no ext or XFS superblock is there, of the rest of HEAD_BYTES, one
   * close; never following symlinks); null when none is known or the path no longer is the file
   * `expect` describes.
   */
  probeSuperblock(input: { path: string; expect: Stats }): FoundFilesystem | null;
  /**
   * The qcow2 header of a regular file (or that it has none), read as probeSuperblock reads a
   * superblock (one open without following symlinks, bounded reads, one close); null when the
   * path no longer is the file `expect` describes.
   */
  probeImage(input: { path: string; expect: Stats }): FoundImage | null;
  /**
   * Opens a path its directory listed as a regular file (never following symlinks, never
   * blocking), fstats the descriptor and, when that is a regular file, reads its superblock as
   * probeSuperblock does, or, for an image declared qcow2, its qcow2 header as probeImage does.
   * null when the open fails or the descriptor is not a regular file: the caller then falls back
   * to lstat and probeSuperblock or probeImage.
   */
  openRegularFile(path: string, format?: ImageFormat): OpenedFile | null;
}

/** Entry names of a directory mapped to "listed as a regular file". */
export type Listing = ReadonlyMap<string, boolean>;

/** A regular file observed through its own descriptor: one stat, and the superblock read. */
export interface OpenedFile {
  readonly stats: Stats;
  readonly filesystem: FoundFilesystem | null;
  /** The qcow2 header read instead of a superblock (only when asked for "qcow2"). */
  readonly image?: FoundImage;
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

/** A listing from readdir's entry types (a filesystem without them costs an lstat per name). */
export function listingFrom(entries: readonly Dirent[]): Listing {
  const listing = new Map<string, boolean>();
  for (const entry of entries) listing.set(entry.name, entry.isFile());
  return listing;
}

/** True when the opened file is the one lstat saw (it was not swapped for another in between). */
export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.mode === b.mode && a.rdev === b.rdev;
}
