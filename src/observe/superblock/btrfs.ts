// Reads the primary btrfs superblock (at 64 KiB, little-endian).
import type { FoundFilesystem } from "../../plan/snapshot.js";
import { hasBytes, isPowerOfTwoIn, readLabel, readU64LE, readUuid } from "./bytes.js";

const SB = 64 * 1024;
const LABEL_OFFSET = 0x12b;
const LABEL_SIZE = 256;

/** The btrfs filesystem in an image's first bytes, or null. */
export function readBtrfs(buf: Buffer): FoundFilesystem | null {
  if (!hasBytes(buf, SB + LABEL_OFFSET + LABEL_SIZE)) return null;
  if (buf.toString("latin1", SB + 0x40, SB + 0x48) !== "_BHRfS_M") return null;
  const sectorSize = buf.readUInt32LE(SB + 0x90);
  if (!isPowerOfTwoIn(sectorSize, 512, 65536)) return null;
  const size = readU64LE(buf, SB + 0x70);
  if (size === null || size === 0) return null;
  return {
    type: "btrfs",
    label: readLabel(buf, SB + LABEL_OFFSET, LABEL_SIZE),
    uuid: readUuid(buf, SB + 0x20),
    size,
  };
}
