// Observes the artifact cache and store paths for the artifacts a manifest declares (reads only).
import type { Stats } from "node:fs";
import type { DesiredArtifact, DesiredState } from "../manifest/desired.js";
import { sriFromHex } from "../manifest/hash.js";
import { deviceId } from "../host/device-id.js";
import { hashFile } from "../host/hash-file.js";
import { nearestExisting } from "../host/statfs.js";
import { cacheLayout, entryDir, entryPath, partialPath } from "../host/state-layout.js";
import type { CacheLayout } from "../host/state-layout.js";
import type { ObservedArtifact, Snapshot } from "../plan/snapshot.js";
import type { CacheIndex, IndexEntry } from "./cache-index.js";
import { cacheProblem, entryFor, indexMatches, readCacheIndex } from "./cache-index.js";
import type { HostReader } from "./host-reader.js";
import { syncReader } from "./sync-reader.js";

interface Context {
  readonly host: HostReader;
  readonly layout: CacheLayout;
  readonly index: CacheIndex;
  readonly cacheFilesystem: string | null;
  readonly rootProblem: string | null;
}

/**
 * The cache state of every declared artifact, keyed by name. A store path the index does not
 * vouch for is hashed (read) here; the entry that would vouch for it is returned in the
 * observation (`hashed`) for apply to record under the host lock: observing never writes.
 */
export async function observeArtifacts(
  desired: DesiredState,
  host: HostReader = syncReader,
): Promise<Snapshot["artifacts"]> {
  if (desired.artifacts.length === 0) return {};
  const layout = cacheLayout(desired.stateDir);
  const ctx: Context = {
    host,
    layout,
    index: readCacheIndex(layout, host),
    cacheFilesystem: filesystemOf(host, layout.root),
    rootProblem: firstProblem(host, [layout.root, layout.entries, layout.partials]),
  };
  const observed: Record<string, ObservedArtifact> = {};
  for (const artifact of desired.artifacts) {
    observed[artifact.name] =
      artifact.source.kind === "urls"
        ? observeCached(ctx, artifact, artifact.source.fileName)
        : await observeStorePath(ctx, artifact, artifact.source.path);
  }
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
  const problem = ctx.rootProblem ?? firstProblem(ctx.host, [entryDir(ctx.layout, hex)]);
  if (problem !== null)
    return { ...base, state: "missing", problem: { code: "unsafe-cache", detail: problem } };
  const partialBytes = partialSize(ctx.host, partialPath(ctx.layout, hex));
  const stats = ctx.host.lstat(file);
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
  entry: IndexEntry | undefined,
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
  const stats = ctx.host.lstat(storePath);
  const base = { path: storePath, actualHash: null, partialBytes: 0 };
  if (stats === null)
    return { ...base, filesystem: filesystemOf(ctx.host, storePath), state: "missing" };
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
  const known = ctx.index[storePath];
  if (indexMatches(known, stats))
    return { ...base, filesystem, ...judge(known, stats, artifact.hash.hex) };
  // Store paths are immutable: hashed once here, then vouched for by the index apply records.
  const { hex } = await hashFile(storePath);
  const hashed = entryFor(stats, hex);
  return { ...base, filesystem, ...judge(hashed, stats, artifact.hash.hex), hashed };
}

function firstProblem(host: HostReader, paths: readonly string[]): string | null {
  for (const at of paths) {
    const stats = host.lstat(at);
    if (stats === null) continue;
    const problem =
      cacheProblem(at, stats) ?? (stats.isDirectory() ? null : `${at} is not a directory`);
    if (problem !== null) return problem;
  }
  return null;
}

function partialSize(host: HostReader, file: string): number {
  const stats = host.lstat(file);
  return stats !== null && stats.isFile() && cacheProblem(file, stats) === null ? stats.size : 0;
}

// The filesystem a path is or will be on: that of the path, or of its nearest existing ancestor.
function filesystemOf(host: HostReader, at: string): string | null {
  const stats = host.lstat(nearestExisting(at));
  return stats === null ? null : deviceId(stats.dev);
}
