// Reads an XFS superblock (big-endian, at byte 0).
import type { FoundFilesystem } from "../../plan/snapshot.js";
import { hasBytes, isPowerOfTwoIn, readLabel, readU64BE, readUuid, trustedSize } from "./bytes.js";

/** The XFS filesystem in an image's first bytes, or null. */
export function readXfs(buf: Buffer): FoundFilesystem | null {
  if (!hasBytes(buf, 120) || buf.toString("latin1", 0, 4) !== "XFSB") return null;
  const blockSize = buf.readUInt32BE(4);
  if (!isPowerOfTwoIn(blockSize, 512, 65536)) return null;
  const dblocks = readU64BE(buf, 8);
  const size = dblocks === null ? null : trustedSize(dblocks, blockSize);
  if (size === null) return null;
  return { type: "xfs", label: readLabel(buf, 108, 12), uuid: readUuid(buf, 32), size };
}
