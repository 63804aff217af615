// Node's compile cache (Node >= 22.1) for volplan's own code, kept only in a directory no other
// user can write: a code cache is code, and volplan runs as root. Node's default, under
// os.tmpdir(), is never used.
import { lstatSync, mkdirSync } from "node:fs";
import nodeModule from "node:module";
import { homedir } from "node:os";
import path from "node:path";

/** Root's cache directory, whatever HOME says (sudo keeps the invoking user's HOME). */
export const ROOT_CACHE_DIR = "/var/cache/volplan";

/** Who runs volplan: the effective uid, the environment, and how to find the home directory. */
export interface CacheUser {
  readonly uid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: () => string;
}

/**
 * The directory volplan's compile cache belongs in, or null when the environment decides
 * (NODE_COMPILE_CACHE: Node turned it on at start-up; NODE_DISABLE_COMPILE_CACHE: off).
 * Root's is /var/cache/volplan; anyone else's is volplan/ under $XDG_CACHE_HOME (when absolute,
 * as the XDG spec asks) or ~/.cache.
 */
export function compileCacheDir(user: CacheUser): string | null {
  const { env } = user;
  if (env["NODE_COMPILE_CACHE"] !== undefined || env["NODE_DISABLE_COMPILE_CACHE"] !== undefined)
    return null;
  if (user.uid === 0) return ROOT_CACHE_DIR;
  const xdg = env["XDG_CACHE_HOME"];
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(user.home(), ".cache");
  return path.join(base, "volplan");
}

/**
 * Why `dir` must not hold code this process runs, or null when it may. `dir` must be a real
 * directory (not a symlink) owned by `uid` and writable by no one else; every directory above it
 * must be owned by `uid` or root and writable by no one else, or sticky (as /tmp is). Node opens
 * the cache by name, so no other user may be able to put a file there or swap a directory on the
 * way between this check and Node's use of it.
 */
export function unsafeCacheDir(dir: string, uid: number): string | null {
  let current = path.resolve(dir);
  for (;;) {
    const problem = unsafeDirectory(current, uid, current === path.resolve(dir));
    if (problem !== null) return problem;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function unsafeDirectory(dir: string, uid: number, isCache: boolean): string | null {
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    return `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  if (stats.isSymbolicLink()) return `${dir} is a symlink`;
  if (!stats.isDirectory()) return `${dir} is not a directory`;
  if (stats.uid !== uid && (isCache || stats.uid !== 0))
    return `${dir} is owned by uid ${stats.uid}, not ${isCache ? uid : `${uid} or root`}`;
  const sticky = (stats.mode & 0o1000) !== 0;
  if ((stats.mode & 0o022) !== 0 && (isCache || !sticky))
    return `${dir} is writable by others (mode ${(stats.mode & 0o7777).toString(8)})`;
  return null;
}

type EnableCompileCache = (directory: string) => unknown;

/**
 * Turns on Node's compile cache in volplan's cache directory (made, mode 0700, when missing).
 * Does nothing on a Node without it, when the environment decides, or when the directory is
 * unsafe or cannot be made: the cache only saves compile time.
 */
export function enableCompileCache(env: CacheUser["env"]): void {
  // Not in @types/node 20: the function exists from Node 22.1 on.
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  const uid = process.geteuid?.();
  if (typeof enable !== "function" || uid === undefined) return;
  try {
    const dir = compileCacheDir({ uid, env, home: homedir });
    if (dir === null) return;
    // The last component only: a missing parent (/var/cache, ~/.cache) is not volplan's to make.
    makeDirectory(dir);
    if (unsafeCacheDir(dir, uid) === null) enable.call(nodeModule, dir);
  } catch {
    // No home directory, a directory that cannot be made, or Node failing to turn the cache on
    // (it reports most failures in its return value): volplan runs uncached.
  }
}

function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}
