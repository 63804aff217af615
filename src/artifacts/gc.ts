// Garbage collection of the cache: entries and partials no artifact of the manifest references.
import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { DesiredState } from "../manifest/desired.js";
import { cacheLayout, entryPath, isHexName, type CacheLayout } from "../host/state-layout.js";
import { readIndex, updateIndex } from "./cache-index.js";
import { withCacheLock } from "./cache-lock.js";
import { assertSafeCachePath, lstatOrNull } from "./cache-safety.js";

/** One thing gc removes (or would remove). */
export interface GcItem {
  readonly path: string;
  /** Allocated bytes it frees. */
  readonly bytes: number;
  readonly why: string;
}

/** Lists (and unless dryRun, removes) unreferenced cache entries and partials; touches nothing outside the cache. */
export async function collectGarbage(input: {
  readonly desired: DesiredState;
  readonly dryRun: boolean;
}): Promise<GcItem[]> {
  const layout = cacheLayout(input.desired.stateDir);
  const find = () => findGarbage(layout, input.desired);
  if (input.dryRun) return find();
  return withCacheLock({ stateDir: input.desired.stateDir }, async () => {
    const items = await find();
    // rm never follows symlinks: a symlink in the cache is removed, not what it points to.
    for (const item of items) await rm(item.path, { recursive: true, force: true });
    await pruneIndex(layout, input.desired);
    return items;
  });
}

async function findGarbage(layout: CacheLayout, desired: DesiredState): Promise<GcItem[]> {
  const root = await assertSafeCachePath(layout.root, "directory");
  if (root === null) return [];
  const keep = new Set<string>();
  for (const artifact of desired.artifacts) {
    if (artifact.source.kind === "urls" && artifact.hash !== null) keep.add(artifact.hash.hex);
  }
  const kept = referencedPaths(layout, desired);
  const items: GcItem[] = [];
  for (const name of await list(layout.entries)) {
    const dir = path.join(layout.entries, name);
    if (!isHexName(name) || !keep.has(name)) {
      items.push({
        path: dir,
        bytes: await allocated(dir),
        why: "no artifact of the manifest has this hash",
      });
      continue;
    }
    if ((await lstat(dir)).isSymbolicLink()) continue;
    for (const file of await list(dir)) {
      const at = path.join(dir, file);
      if (!kept.has(at))
        items.push({
          path: at,
          bytes: await allocated(at),
          why: "the manifest names this artifact differently now",
        });
    }
  }
  for (const name of await list(layout.partials)) {
    const hex = name.replace(/\.part(\.json)?$/, "");
    if (!keep.has(hex))
      items.push({
        path: path.join(layout.partials, name),
        bytes: await allocated(path.join(layout.partials, name)),
        why: "partial download of an artifact no longer declared",
      });
  }
  return items.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function referencedPaths(layout: CacheLayout, desired: DesiredState): Set<string> {
  const paths = new Set<string>();
  for (const artifact of desired.artifacts) {
    if (artifact.source.kind === "urls" && artifact.hash !== null)
      paths.add(entryPath(layout, artifact.hash.hex, artifact.source.fileName));
    else if (artifact.source.kind === "store-path") paths.add(artifact.source.path);
  }
  return paths;
}

async function pruneIndex(layout: CacheLayout, desired: DesiredState): Promise<void> {
  const index = await readIndex(layout);
  const kept = referencedPaths(layout, desired);
  if (Object.keys(index).every((key) => kept.has(key))) return;
  await updateIndex(layout, (current) => {
    for (const key of Object.keys(current)) if (!kept.has(key)) delete current[key];
  });
}

async function list(dir: string): Promise<string[]> {
  const stats = await lstatOrNull(dir);
  if (stats === null || !stats.isDirectory()) return [];
  return (await readdir(dir)).sort();
}

// Sums st_blocks without following symlinks.
async function allocated(at: string): Promise<number> {
  const stats = await lstatOrNull(at);
  if (stats === null) return 0;
  let total = stats.blocks * 512;
  if (stats.isDirectory())
    for (const name of await readdir(at)) total += await allocated(path.join(at, name));
  return total;
}
