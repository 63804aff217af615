// Reads a Linux swap area (version 1, "SWAPSPACE2") for the page sizes Linux uses.
import type { FoundFilesystem } from "../../plan/snapshot.js";
import { hasBytes, readLabel, readUuid, trustedSize } from "./bytes.js";

const PAGE_SIZES = [4096, 8192, 16384, 65536] as const;
const HEADER = 1024;

/** The swap area in an image's first bytes, or null. */
export function readSwap(buf: Buffer): FoundFilesystem | null {
  const pageSize = PAGE_SIZES.find(
    (page) => hasBytes(buf, page) && buf.toString("latin1", page - 10, page) === "SWAPSPACE2",
  );
  if (pageSize === undefined) return null;
  // The header is in the byte order of the machine that wrote it; version is always 1.
  const littleEndian = buf.readUInt32LE(HEADER) === 1;
  if (!littleEndian && buf.readUInt32BE(HEADER) !== 1) return null;
  const lastPage = littleEndian ? buf.readUInt32LE(HEADER + 4) : buf.readUInt32BE(HEADER + 4);
  // last_page is the index of the last usable page; page 0 is the header.
  const size = trustedSize(lastPage + 1, pageSize);
  if (size === null) return null;
  return {
    type: "swap",
    label: readLabel(buf, HEADER + 28, 16),
    uuid: readUuid(buf, HEADER + 12),
    size,
  };
}
