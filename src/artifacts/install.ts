// Moves a verified partial into its content-addressed place and records it in the index.
import { lstat, rename, unlink } from "node:fs/promises";
import path from "node:path";
import type { CacheLayout } from "../host/state-layout.js";
import { entryFor, updateIndex } from "./cache-index.js";
import { ensureDir } from "./cache-safety.js";
import { fsyncDir } from "./fsync-dir.js";

/** rename(partial → final) then fsync both directories; the partial is already fsynced and 0444. */
export async function installPartial(input: {
  readonly layout: CacheLayout;
  readonly partial: string;
  readonly metaPath: string;
  readonly final: string;
  readonly hex: string;
}): Promise<void> {
  const dir = path.dirname(input.final);
  await ensureDir(dir);
  // Same content under the same name: replacing a concurrent install is harmless.
  await rename(input.partial, input.final);
  await fsyncDir(dir);
  await unlink(input.metaPath).catch(() => undefined);
  await fsyncDir(input.layout.partials);
  const stats = await lstat(input.final);
  await updateIndex(input.layout, (index) => {
    index[input.final] = entryFor(stats, input.hex);
  });
}
