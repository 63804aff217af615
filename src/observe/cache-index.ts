// Reading the artifact cache's index (path → size, mtime, inode, sha256) and judging a cache path.
import type { Stats } from "node:fs";
import type { CacheLayout } from "../host/state-layout.js";
import type { HostReader } from "./host-reader.js";
import { effectiveUid } from "../host/processes.js";

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

/** The entries of a parsed index file; anything malformed is dropped (the index is only a cache). */
export function sanitizeIndex(parsed: unknown): CacheIndex {
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

/** Reads the index through the host reader; a missing, symlinked or unreadable index is empty. */
export function readCacheIndex(layout: CacheLayout, host: HostReader): CacheIndex {
  try {
    const text = host.readRegularText(layout.index);
    return text === null ? {} : sanitizeIndex(JSON.parse(text) as unknown);
  } catch {
    return {};
  }
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

/** Why a cache path cannot be trusted (a symlink, or owned by someone else), or null when it can. */
export function cacheProblem(at: string, stats: Stats): string | null {
  if (stats.isSymbolicLink())
    return `${at} is a symlink; volplan never follows symlinks in its cache`;
  const uid = effectiveUid();
  if (stats.uid !== 0 && stats.uid !== uid) {
    return `${at} is owned by uid ${stats.uid}, not by root or the running user`;
  }
  return null;
}
