// The cache index: path → size, mtime, inode and sha256, so a warm run trusts a file without re-hashing it.
import type { Stats } from "node:fs";
import { constants } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { fsyncDir } from "./fsync-dir.js";
import { lstatOrNull, lstatOrNullSync, readCacheText, readCacheTextSync } from "./cache-safety.js";
import type { CacheLayout } from "./cache-layout.js";

/** What was hashed at a path, and the stat that proves the file has not changed since. */
export interface IndexEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** sha256, 64 lower-case hex digits. */
  readonly hash: string;
}

/** Index entries keyed by absolute path. */
export type CacheIndex = Record<string, IndexEntry>;

/** Reads the index; a missing, symlinked or unreadable index is empty (it is only a cache). */
export async function readIndex(layout: CacheLayout): Promise<CacheIndex> {
  const stats = await lstatOrNull(layout.index);
  if (stats === null || !stats.isFile()) return {};
  try {
    const parsed = JSON.parse(await readCacheText(layout.index)) as unknown;
    return sanitize(parsed);
  } catch {
    return {};
  }
}

/** readIndex with synchronous calls, for observe's warm path. */
export function readIndexSync(layout: CacheLayout): CacheIndex {
  const stats = lstatOrNullSync(layout.index);
  if (stats === null || !stats.isFile()) return {};
  try {
    return sanitize(JSON.parse(readCacheTextSync(layout.index)) as unknown);
  } catch {
    return {};
  }
}

function sanitize(parsed: unknown): CacheIndex {
  const entries = (parsed as { entries?: unknown } | null)?.entries;
  if (typeof entries !== "object" || entries === null) return {};
  const index: CacheIndex = {};
  for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
    const entry = value as Partial<IndexEntry> | null;
    if (
      typeof entry?.size === "number" &&
      typeof entry.mtimeMs === "number" &&
      typeof entry.ino === "number" &&
      typeof entry.hash === "string" &&
      /^[0-9a-f]{64}$/.test(entry.hash)
    ) {
      index[key] = { size: entry.size, mtimeMs: entry.mtimeMs, ino: entry.ino, hash: entry.hash };
    }
  }
  return index;
}

/** True when the file still has the size, mtime and inode it had when it was hashed. */
export function indexMatches(entry: IndexEntry | undefined, stats: Stats): entry is IndexEntry {
  return (
    entry !== undefined &&
    entry.size === stats.size &&
    entry.mtimeMs === stats.mtimeMs &&
    entry.ino === stats.ino
  );
}

/** An index entry for a file just hashed. */
export function entryFor(stats: Stats, hex: string): IndexEntry {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, hash: hex };
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
