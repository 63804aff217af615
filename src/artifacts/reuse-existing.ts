// Decides whether a file already at an artifact's cache path can be used as it is.
import { lstat, unlink } from "node:fs/promises";
import type { CacheLayout } from "./cache-layout.js";
import { entryFor, indexMatches, readIndex, updateIndex } from "./cache-index.js";
import { assertSafeCachePath } from "./cache-safety.js";
import { hashFile } from "./hash-file.js";

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
