// Observes the artifact cache and store paths for the artifacts a manifest declares.
import type { Stats } from "node:fs";
import { statSync } from "node:fs";
import path from "node:path";
import type { DesiredArtifact, DesiredState } from "../manifest/desired.js";
import { sriFromHex } from "../manifest/hash.js";
import { deviceId } from "../observe/device-id.js";
import type { ObservedArtifact, Snapshot } from "../plan/snapshot.js";
import { cacheLayout, entryDir, entryPath, partialPath, type CacheLayout } from "./cache-layout.js";
import {
  entryFor,
  indexMatches,
  readIndexSync,
  writeIndex,
  type CacheIndex,
} from "./cache-index.js";
import { cacheProblem, lstatOrNullSync } from "./cache-safety.js";

interface Context {
  readonly layout: CacheLayout;
  readonly index: CacheIndex;
  /** Entries hashed during this observation (store paths), written back when recording. */
  readonly learned: CacheIndex;
  readonly cacheFilesystem: string | null;
  readonly rootProblem: string | null;
}

/**
 * The cache state of every declared artifact, keyed by name. With `record`, hashes of store
 * paths learned here are written to the index (apply does this under the host lock); without
 * it nothing is written, so `volplan plan` stays read-only and re-hashes unindexed store paths.
 */
export async function observeArtifacts(
  desired: DesiredState,
  options: { readonly record?: boolean } = {},
): Promise<Snapshot["artifacts"]> {
  if (desired.artifacts.length === 0) return {};
  const layout = cacheLayout(desired.stateDir);
  const ctx: Context = {
    layout,
    index: readIndexSync(layout),
    learned: {},
    cacheFilesystem: nearestFilesystem(layout.root),
    rootProblem: firstProblem([layout.root, layout.entries, layout.partials]),
  };
  const observed: Record<string, ObservedArtifact> = {};
  for (const artifact of desired.artifacts) {
    observed[artifact.name] =
      artifact.source.kind === "urls"
        ? observeCached(ctx, artifact, artifact.source.fileName)
        : await observeStorePath(ctx, artifact, artifact.source.path);
  }
  if (options.record === true) await rememberLearned(ctx);
  return observed;
}

function observeCached(
  ctx: Context,
  artifact: DesiredArtifact,
  fileName: string,
): ObservedArtifact {
  const hex = artifact.hash?.hex ?? "";
  const file = entryPath(ctx.layout, hex, fileName);
  const base = { path: file, filesystem: ctx.cacheFilesystem, actualHash: null, partialBytes: 0 };
  const problem = ctx.rootProblem ?? firstProblem([entryDir(ctx.layout, hex)]);
  if (problem !== null)
    return { ...base, state: "missing", problem: { code: "unsafe-cache", detail: problem } };
  const partialBytes = partialSize(partialPath(ctx.layout, hex));
  const stats = lstatOrNullSync(file);
  if (stats === null) return { ...base, partialBytes, state: "missing" };
  const fileProblem =
    cacheProblem(file, stats) ?? (stats.isFile() ? null : `${file} is not a regular file`);
  if (fileProblem !== null) {
    return {
      ...base,
      partialBytes,
      state: "missing",
      problem: { code: "unsafe-cache", detail: fileProblem },
    };
  }
  return { ...base, partialBytes, ...judge(ctx.index[file], stats, hex) };
}

// Verified when the index vouches for this exact file; unverified when it changed or was never hashed.
function judge(
  entry: CacheIndex[string] | undefined,
  stats: Stats,
  hex: string,
): Pick<ObservedArtifact, "state" | "actualHash"> {
  if (!indexMatches(entry, stats)) return { state: "present-unverified", actualHash: null };
  if (entry.hash === hex) return { state: "verified", actualHash: null };
  return { state: "mismatch", actualHash: sriFromHex(entry.hash) };
}

async function observeStorePath(
  ctx: Context,
  artifact: DesiredArtifact,
  storePath: string,
): Promise<ObservedArtifact> {
  const stats = lstatOrNullSync(storePath);
  const base = { path: storePath, actualHash: null, partialBytes: 0 };
  if (stats === null)
    return { ...base, filesystem: nearestFilesystem(storePath), state: "missing" };
  const filesystem = deviceId(stats.dev);
  if (!stats.isFile()) {
    const what = stats.isSymbolicLink()
      ? "a symlink"
      : stats.isDirectory()
        ? "a directory"
        : "not a regular file";
    const detail = `${storePath} is ${what}`;
    return { ...base, filesystem, state: "missing", problem: { code: "not-a-file", detail } };
  }
  if (artifact.hash === null) return { ...base, filesystem, state: "present-unverified" };
  let entry = ctx.index[storePath];
  if (!indexMatches(entry, stats)) {
    // Store paths are immutable: hash once, then trust the index while size, mtime and inode hold.
    // Loaded here so a warm run never loads node:crypto.
    const { hashFile } = await import("./hash-file.js");
    const { hex } = await hashFile(storePath);
    entry = entryFor(stats, hex);
    ctx.learned[storePath] = entry;
  }
  return { ...base, filesystem, ...judge(entry, stats, artifact.hash.hex) };
}

// Observe must not fail for a cache it cannot write (read-only CI, no stateDir yet): the index is only a cache.
async function rememberLearned(ctx: Context): Promise<void> {
  if (Object.keys(ctx.learned).length === 0 || ctx.rootProblem !== null) return;
  const root = lstatOrNullSync(ctx.layout.root);
  if (root === null || !root.isDirectory()) return;
  await writeIndex(ctx.layout, { ...ctx.index, ...ctx.learned }).catch(() => undefined);
}

function firstProblem(paths: readonly string[]): string | null {
  for (const at of paths) {
    const stats = lstatOrNullSync(at);
    if (stats === null) continue;
    const problem =
      cacheProblem(at, stats) ?? (stats.isDirectory() ? null : `${at} is not a directory`);
    if (problem !== null) return problem;
  }
  return null;
}

function partialSize(file: string): number {
  const stats = lstatOrNullSync(file);
  return stats !== null && stats.isFile() && cacheProblem(file, stats) === null ? stats.size : 0;
}

/** Filesystem id of a path or of its nearest existing ancestor. */
export function nearestFilesystem(at: string): string | null {
  let current = path.resolve(at);
  for (;;) {
    try {
      return deviceId(statSync(current).dev);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return null;
      current = parent;
    }
  }
}
