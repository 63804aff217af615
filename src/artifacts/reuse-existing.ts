// Decides whether a file already at an artifact's cache path can be used as it is.
import { link, lstat, readdir, unlink } from "node:fs/promises";
import path from "node:path";
import { fsyncDir } from "./fsync-dir.js";
import type { CacheLayout } from "../host/state-layout.js";
import { entryFor, indexMatches, readIndex, updateIndex } from "./cache-index.js";
import { assertSafeCachePath } from "./cache-safety.js";
import { hashFile } from "../host/hash-file.js";

/** "cached" when the index vouches for the file, "verified" after re-hashing it; null when it must be downloaded. */
export async function reuseExisting(input: {
  readonly layout: CacheLayout;
  readonly file: string;
  readonly hex: string;
  readonly verify: boolean;
}): Promise<{ status: "cached" | "verified"; size: number } | null> {
  const stats = await assertSafeCachePath(input.file, "file");
  if (stats === null) return null;
  const entry = (await readIndex(input.layout))[input.file];
  if (!input.verify && indexMatches(entry, stats) && entry.hash === input.hex) {
    return { status: "cached", size: stats.size };
  }
  const { hex } = await hashFile(input.file);
  const after = await lstat(input.file);
  if (hex === input.hex) {
    await updateIndex(input.layout, (index) => {
      index[input.file] = entryFor(after, hex);
    });
    return { status: "verified", size: after.size };
  }
  // A content-addressed entry with other content is corrupt: drop it and download again.
  await unlink(input.file);
  await updateIndex(input.layout, (index) => {
    delete index[input.file];
  });
  return null;
}

/** Hard-links a verified file with the same hash under another name into place (same content, no download). */
export async function linkSibling(input: {
  readonly layout: CacheLayout;
  readonly final: string;
  readonly hex: string;
}): Promise<{ status: "cached"; size: number } | null> {
  const dir = path.dirname(input.final);
  const stats = await assertSafeCachePath(dir, "directory");
  if (stats === null) return null;
  const index = await readIndex(input.layout);
  for (const name of await readdir(dir)) {
    const sibling = path.join(dir, name);
    const found = await lstat(sibling);
    const entry = index[sibling];
    if (!found.isFile() || !indexMatches(entry, found) || entry.hash !== input.hex) continue;
    await link(sibling, input.final);
    await fsyncDir(dir);
    const linked = await lstat(input.final);
    await updateIndex(input.layout, (current) => {
      current[input.final] = entryFor(linked, input.hex);
    });
    return { status: "cached", size: linked.size };
  }
  return null;
}
