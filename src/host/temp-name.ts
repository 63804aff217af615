// Names of volplan's temp files: `.<image basename>.volplan-tmp-<pid>-<8 hex>` beside the image.
import path from "node:path";

const TEMP_PATTERN = /^\.(.+)\.volplan-tmp-(\d+)-([0-9a-f]{8})$/;

/** A fresh temp path in the same directory as `finalPath` (same filesystem, so link() is atomic). */
export function tempPathFor(finalPath: string, pid: number = process.pid): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  // The Web Crypto global rather than node:crypto: observe parses temp names on every run and
  // need not load node:crypto for it; only apply makes names.
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString("hex");
  return path.join(dir, `.${base}.volplan-tmp-${pid}-${random}`);
}

/** The image basename and pid encoded in a temp file name, or null when the name is not a volplan temp name. */
export function parseTempName(fileName: string): { base: string; pid: number } | null {
  // Most names in an image directory are images: rejected without running the pattern.
  if (!fileName.includes(".volplan-tmp-")) return null;
  const match = TEMP_PATTERN.exec(fileName);
  if (match === null) return null;
  return { base: match[1] ?? "", pid: Number(match[2]) };
}
