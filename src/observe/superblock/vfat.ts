// Reads a FAT12/16/32 boot sector: geometry for the size, label and volume id.
import type { FoundFilesystem } from "../../plan/snapshot.js";
import { hasBytes, isPowerOfTwoIn, trustedSize } from "./bytes.js";

const NO_NAME = "NO NAME";
const EXTENDED_BOOT_SIGNATURE = 0x29;

/** The FAT filesystem in an image's first bytes, or null. */
export function readVfat(buf: Buffer): FoundFilesystem | null {
  if (!hasBytes(buf, 512) || buf.readUInt16LE(510) !== 0xaa55) return null;
  const bytesPerSector = buf.readUInt16LE(0x0b);
  const sectorsPerCluster = buf.readUInt8(0x0d);
  const reserved = buf.readUInt16LE(0x0e);
  const fats = buf.readUInt8(0x10);
  const media = buf.readUInt8(0x15);
  const plausible =
    isPowerOfTwoIn(bytesPerSector, 512, 4096) &&
    isPowerOfTwoIn(sectorsPerCluster, 1, 128) &&
    reserved > 0 &&
    fats > 0 &&
    (media === 0xf0 || media >= 0xf8);
  if (!plausible) return null;
  const sectors16 = buf.readUInt16LE(0x13);
  const sectors = sectors16 !== 0 ? sectors16 : buf.readUInt32LE(0x20);
  const size = trustedSize(sectors, bytesPerSector);
  if (size === null) return null;
  // FAT32 has no 16-bit FAT length; its extended BPB (and so the label and id) sits further on.
  const fat32 = buf.readUInt16LE(0x16) === 0;
  const ext = fat32 ? 0x40 : 0x24;
  if (buf.readUInt8(ext + 2) !== EXTENDED_BOOT_SIGNATURE) {
    return { type: "vfat", label: null, uuid: null, size };
  }
  return { type: "vfat", label: fatLabel(buf, ext + 7), uuid: volumeId(buf, ext + 3), size };
}

function fatLabel(buf: Buffer, offset: number): string | null {
  const text = buf.toString("latin1", offset, offset + 11).replace(/[ \0]+$/, "");
  return text === "" || text === NO_NAME ? null : text;
}

// Printed as blkid does: the 32-bit serial as two upper-case hex halves, "ABCD-1234".
function volumeId(buf: Buffer, offset: number): string {
  const hex = buf.readUInt32LE(offset).toString(16).toUpperCase().padStart(8, "0");
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}
