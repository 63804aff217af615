// Refuses cache paths that are symlinks or owned by someone else; creates the cache directories.
import { constants, type Stats } from "node:fs";
import { lstat, mkdir, chmod, readFile } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import type { CacheLayout } from "../host/state-layout.js";
import { cacheProblem } from "../observe/cache-index.js";

/** lstat that returns null for a missing path. */
export async function lstatOrNull(at: string): Promise<Stats | null> {
  try {
    return await lstat(at);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** True for ENOENT and ENOTDIR (a missing parent). */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Throws "UNSAFE_CACHE" when an existing cache path is a symlink or foreign-owned. */
export async function assertSafeCachePath(
  at: string,
  kind: "directory" | "file",
): Promise<Stats | null> {
  const stats = await lstatOrNull(at);
  if (stats === null) return null;
  const problem = cacheProblem(at, stats);
  const wrongKind = kind === "directory" ? !stats.isDirectory() : !stats.isFile();
  if (problem !== null || wrongKind) {
    const detail = problem ?? `${at} is not a ${kind}`;
    throw new VolplanError(
      "UNSAFE_CACHE",
      `artifact cache: ${detail}. Remove it (volplan recreates the cache) or point stateDir elsewhere.`,
    );
  }
  return stats;
}

/** Creates cache/, cache/sha256 and cache/partial (0755, running user) and checks each. */
export async function ensureCacheDirs(layout: CacheLayout): Promise<void> {
  await mkdir(layout.stateDir, { recursive: true, mode: 0o755 });
  for (const dir of [layout.root, layout.entries, layout.partials]) {
    await ensureDir(dir);
  }
}

/** Creates one cache directory 0755 unless it exists, then checks it. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o755 });
    // mkdir honours the umask; the cache is meant to be world-readable.
    await chmod(dir, 0o755);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  await assertSafeCachePath(dir, "directory");
}

// Small cache files are read by path after an lstat said "regular file"; O_NOFOLLOW makes sure
// a symlink swapped in between is refused rather than followed.
const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The text of a cache file, never through a symlink. */
export function readCacheText(file: string): Promise<string> {
  return readFile(file, { encoding: "utf8", flag: NO_FOLLOW });
}
