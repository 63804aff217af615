// Reads an ext2/ext3/ext4 superblock (at byte 1024) and tells the three apart as blkid does.
import type { ExtDetails, FoundFilesystem } from "../../plan/snapshot.js";
import { hasBytes, isPowerOfTwoIn, readLabel, readUuid, trustedSize } from "./bytes.js";

const SB = 1024;
const EXT_MAGIC = 0xef53;
const COMPAT_HAS_JOURNAL = 0x4;
const INCOMPAT_JOURNAL_DEV = 0x8;
const INCOMPAT_64BIT = 0x80;
// s_state: bit 0 "cleanly unmounted", bit 1 "errors detected". resize2fs sets the error bit before
// it writes anything and clears it when done, so a killed resize2fs leaves it set.
const STATE_ERROR_FS = 0x2;
// Features an ext3 driver understands; any other incompat/ro_compat bit (extents, 64bit,
// flex_bg, huge_file, dir_nlink, extra_isize, gdt_csum, metadata_csum, ...) makes it ext4,
// which is how libblkid decides.
const EXT3_INCOMPAT_SUPPORTED = 0x2 | 0x4 | 0x10; // filetype, recover, meta_bg
const EXT3_RO_COMPAT_SUPPORTED = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir

/** The ext2/3/4 filesystem in an image's first bytes, or null. */
export function readExt(buf: Buffer): FoundFilesystem | null {
  if (!hasBytes(buf, SB + 0x158)) return null;
  if (buf.readUInt16LE(SB + 0x38) !== EXT_MAGIC) return null;
  const incompat = buf.readUInt32LE(SB + 0x60);
  // An external journal device carries the magic but holds no files.
  if ((incompat & INCOMPAT_JOURNAL_DEV) !== 0) return null;
  const logBlockSize = buf.readUInt32LE(SB + 0x18);
  if (logBlockSize > 6) return null; // 1 KiB .. 64 KiB
  const blockSize = 1024 << logBlockSize;
  const hi = (incompat & INCOMPAT_64BIT) !== 0 ? buf.readUInt32LE(SB + 0x150) : 0;
  const blocks = hi * 2 ** 32 + buf.readUInt32LE(SB + 0x4);
  const size = trustedSize(blocks, blockSize);
  if (size === null) return null;
  const ext = extDetails(buf, blockSize);
  return {
    type: extVariant(buf),
    label: readLabel(buf, SB + 0x78, 16),
    uuid: readUuid(buf, SB + 0x68),
    size,
    ...(ext === null ? {} : { ext }),
  };
}

// Geometry and error state; null when the fields are implausible (then nothing is inferred from them).
function extDetails(buf: Buffer, blockSize: number): ExtDetails | null {
  const blocks64 = (buf.readUInt32LE(SB + 0x60) & INCOMPAT_64BIT) !== 0;
  const descriptorSize = blocks64 ? buf.readUInt16LE(SB + 0xfe) : 32;
  const blocksPerGroup = buf.readUInt32LE(SB + 0x20);
  const firstDataBlock = buf.readUInt32LE(SB + 0x14);
  const plausible =
    isPowerOfTwoIn(descriptorSize, 32, 1024) &&
    descriptorSize <= blockSize &&
    blocksPerGroup > 0 &&
    blocksPerGroup <= blockSize * 8 &&
    firstDataBlock <= 1;
  if (!plausible) return null;
  const errors = (buf.readUInt16LE(SB + 0x3a) & STATE_ERROR_FS) !== 0;
  return { blockSize, blocksPerGroup, firstDataBlock, descriptorSize, blocks64, errors };
}

function extVariant(buf: Buffer): "ext2" | "ext3" | "ext4" {
  const compat = buf.readUInt32LE(SB + 0x5c);
  const incompat = buf.readUInt32LE(SB + 0x60);
  const roCompat = buf.readUInt32LE(SB + 0x64);
  const ext4Only =
    (incompat & ~EXT3_INCOMPAT_SUPPORTED) !== 0 || (roCompat & ~EXT3_RO_COMPAT_SUPPORTED) !== 0;
  if (ext4Only) return "ext4";
  return (compat & COMPAT_HAS_JOURNAL) !== 0 ? "ext3" : "ext2";
}
