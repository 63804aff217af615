// Writing the cache index (path → size, mtime, inode and sha256, so a warm run trusts a file
// without re-hashing it); observe/cache-index.ts reads it.
import { constants } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { fsyncDir } from "./fsync-dir.js";
import { cacheProblem, sanitizeIndex } from "../observe/cache-index.js";
import type { ObservedArtifact } from "../plan/snapshot.js";
import type { CacheIndex } from "../observe/cache-index.js";
import { lstatOrNull, readCacheText } from "./cache-safety.js";
import type { CacheLayout } from "../host/state-layout.js";

export { entryFor, indexMatches } from "../observe/cache-index.js";
export type { CacheIndex, IndexEntry } from "../observe/cache-index.js";

/** Reads the index; a missing, symlinked or unreadable index is empty (it is only a cache). */
export async function readIndex(layout: CacheLayout): Promise<CacheIndex> {
  const stats = await lstatOrNull(layout.index);
  if (stats === null || !stats.isFile()) return {};
  try {
    return sanitizeIndex(JSON.parse(await readCacheText(layout.index)) as unknown);
  } catch {
    return {};
  }
}

/** Writes the index atomically (temp file, fsync, rename, directory fsync). */
export async function writeIndex(layout: CacheLayout, index: CacheIndex): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => (a < b ? -1 : 1)));
  const text = `${JSON.stringify({ version: 1, entries: sorted }, null, 2)}\n`;
  const temp = path.join(layout.root, `.index.json.${process.pid}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(temp, flags, 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, layout.index);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(layout.root);
}

let queue: Promise<void> = Promise.resolve();

/** Reads, changes and writes the index (under the global lock; serialized within this process). */
export function updateIndex(
  layout: CacheLayout,
  change: (index: CacheIndex) => void,
): Promise<void> {
  const next = queue.then(async () => {
    const index = await readIndex(layout);
    change(index);
    await writeIndex(layout, index);
  });
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Records in the index the store paths observe hashed (apply calls this under the host lock), so
 * the next run trusts them without hashing. Skipped while the cache directory does not exist: the
 * index is only a cache, and a run that downloads nothing does not create one.
 */
export async function recordObservedHashes(
  layout: CacheLayout,
  artifacts: Readonly<Record<string, ObservedArtifact>>,
): Promise<void> {
  const learned = Object.values(artifacts).filter((a) => a.hashed !== undefined);
  if (learned.length === 0) return;
  const root = await lstatOrNull(layout.root);
  if (root === null || !root.isDirectory() || cacheProblem(layout.root, root) !== null) return;
  await updateIndex(layout, (index) => {
    for (const artifact of learned) if (artifact.hashed) index[artifact.path] = artifact.hashed;
  });
}
