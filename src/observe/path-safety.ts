// Walks a volume's parents from / down, looking for anything that makes writing there unsafe.
import type { Stats } from "node:fs";
import { dirname } from "node:path";
import type { PathProblem } from "../plan/snapshot.js";
import type { HostReader } from "./host-reader.js";
import type { LstatCache } from "./lstat-cache.js";
import { ancestorsOf, kindOf, unsafeReason } from "../host/path-trust.js";
import type { Trusted } from "../host/path-trust.js";

/** What the walk found: the first problem (top-down) and the deepest directory that exists. */
export interface PathWalk {
  readonly problem: PathProblem | null;
  /** The deepest existing ancestor directory and its lstat, for the filesystem id. */
  readonly nearest: { readonly path: string; readonly stats: Stats } | null;
}

/** Checks every ancestor of `path` (lstat only, never following a symlink). */
export function walkParents(input: {
  path: string;
  cache: LstatCache;
  host: HostReader;
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
  host: HostReader;
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

/** walkParents memoized per (parent directory, trusted owner and group): images usually share directories. */
export class ParentWalks {
  readonly #walks = new Map<string, PathWalk>();

  constructor(
    readonly cache: LstatCache,
    readonly host: HostReader,
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
