// The small JSON beside a partial download: which URL it came from and the validators that make a resume safe.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { lstatOrNull, readCacheText } from "./cache-safety.js";

/** Resume metadata of one partial. */
export interface PartialMeta {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly bytes: number;
  /** Bytes a completed datasync covered (null in metadata from older versions). */
  readonly synced: number | null;
  /** Kernel boot id when written: within the same boot, unsynced bytes are still readable. */
  readonly boot: string | null;
}

/** Reads the metadata; null when missing, symlinked or malformed. */
export async function readPartialMeta(file: string): Promise<PartialMeta | null> {
  const stats = await lstatOrNull(file);
  if (stats === null || !stats.isFile()) return null;
  try {
    const value = JSON.parse(await readCacheText(file)) as Partial<PartialMeta>;
    if (typeof value.url !== "string" || typeof value.bytes !== "number") return null;
    const text = (v: unknown) => (typeof v === "string" ? v : null);
    const count = (v: unknown) =>
      typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
    return {
      url: value.url,
      etag: text(value.etag),
      lastModified: text(value.lastModified),
      bytes: value.bytes,
      synced: count(value.synced),
      boot: text(value.boot),
    };
  } catch {
    return null;
  }
}

/** Writes the metadata without following a symlink at its path. */
export async function writePartialMeta(file: string, meta: PartialMeta): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(file, flags, 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(meta)}\n`, "utf8");
  } finally {
    await handle.close();
  }
}

/** The If-Range validator for a resume: a strong ETag, else Last-Modified; null when neither. */
export function ifRangeValidator(meta: PartialMeta | null, url: string): string | null {
  if (meta === null || meta.url !== url) return null;
  if (meta.etag !== null && !meta.etag.startsWith("W/")) return meta.etag;
  return meta.lastModified;
}
