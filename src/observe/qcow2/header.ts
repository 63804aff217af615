// Parses a qcow2 image's header (format versions 2 and 3), as QEMU's docs/interop/qcow2.txt
// describes it, from the first bytes of the file. The bytes may have been crafted by whoever
// could write the file: every offset and length is checked against the bytes read, the file's
// size and QEMU's own limits before it is used, and nothing past them is trusted.
import type { FoundImage } from "../../plan/snapshot.js";
import { safeNumber } from "../superblock/bytes.js";
import { readExtensions, text } from "./extensions.js";

/** The qcow2 magic "QFI\xfb". */
const MAGIC = 0x514649fb;

/** Bytes read first: the header and its extensions of an image with clusters up to 64 KiB. */
export const QCOW2_HEAD_BYTES = 64 * 1024;

// QEMU's limits: clusters of 512 B to 2 MiB, a backing file name of at most 1023 bytes that
// starts within the first cluster (extensions.ts: a backing format name shorter than 16 bytes).
const MIN_CLUSTER_BITS = 9;
const MAX_CLUSTER_BITS = 21;
const MAX_BACKING_NAME = 1023;

/** The most bytes a header can need: the first cluster of the largest size and a backing name after it. */
export const QCOW2_MAX_HEAD_BYTES = (1 << MAX_CLUSTER_BITS) + MAX_BACKING_NAME;

// Incompatible feature bits: 0 dirty, 1 corrupt, 2 external data file, 3 compression type,
// 4 extended L2 entries. Bits 3 and 4 change only how clusters are stored; qemu-img handles them.
const DIRTY = 1n;
const CORRUPT = 2n;
const DATA_FILE = 4n;
const KNOWN = 0x1fn;

/** What parsing needs: a verdict, or more bytes from the start of the file (never beyond QCOW2_MAX_HEAD_BYTES). */
export type Qcow2Parse = FoundImage | { readonly need: number };

function unreadable(problem: string): FoundImage {
  return { format: "unreadable", problem };
}

/** True when the bytes start with the qcow2 magic. */
function isQcow2(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === MAGIC;
}

/**
 * The image `head` starts (the first bytes of a file of `fileSize` bytes): raw when it has no
 * qcow2 magic, qcow2 with what its header records, unreadable when the header is implausible,
 * or how many bytes to read before asking again.
 */
export function parseQcow2(head: Buffer, fileSize: number): Qcow2Parse {
  if (fileSize < 4) return { format: "raw" };
  if (head.length < Math.min(fileSize, 4)) return { need: 4 };
  if (!isQcow2(head)) return { format: "raw" };
  if (fileSize < 72)
    return unreadable(`the file is ${fileSize} bytes, shorter than a qcow2 header`);
  if (head.length < 104 && head.length < fileSize) return { need: Math.min(fileSize, 104) };
  const version = head.readUInt32BE(4);
  if (version !== 2 && version !== 3) return unreadable(`qcow2 version ${version} is not 2 or 3`);
  const headerLength = version === 2 ? 72 : head.length >= 104 ? head.readUInt32BE(100) : 0;
  if (version === 3 && (headerLength < 104 || headerLength % 8 !== 0))
    return unreadable(`the header length ${headerLength} is not a multiple of 8 of at least 104`);
  const clusterBits = head.readUInt32BE(20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS)
    return unreadable(`the cluster size 2^${clusterBits} is outside 512 B to 2 MiB`);
  const clusterSize = 2 ** clusterBits;
  if (headerLength > clusterSize)
    return unreadable(`the header (${headerLength} bytes) is larger than a cluster`);
  const backingOffset = safeNumber(head.readBigUInt64BE(8));
  const backingSize = head.readUInt32BE(16);
  if (backingOffset === null || backingOffset > clusterSize)
    return unreadable("the backing file name does not start in the first cluster");
  if (backingOffset !== 0 && (backingSize > MAX_BACKING_NAME || backingOffset < headerLength))
    return unreadable(
      `the backing file name (${backingSize} bytes at ${backingOffset}) is out of bounds`,
    );
  const virtualSize = safeNumber(head.readBigUInt64BE(24));
  if (virtualSize === null) return unreadable("the virtual size is beyond 2^53 bytes");
  // Extensions end where the backing file name begins, else at the end of the first cluster.
  const extEnd = Math.min(backingOffset !== 0 ? backingOffset : clusterSize, fileSize);
  const end = Math.max(extEnd, backingOffset + (backingOffset === 0 ? 0 : backingSize));
  if (end > fileSize) return unreadable("the backing file name lies beyond the end of the file");
  if (head.length < end) return { need: end };
  return qcow2Of(head, {
    version,
    headerLength,
    extEnd,
    clusterSize,
    virtualSize,
    backingOffset,
    backingSize,
  });
}

interface Layout {
  readonly version: number;
  readonly headerLength: number;
  readonly extEnd: number;
  readonly clusterSize: number;
  readonly virtualSize: number;
  readonly backingOffset: number;
  readonly backingSize: number;
}

function qcow2Of(head: Buffer, layout: Layout): FoundImage {
  const incompatible = layout.version === 3 ? head.readBigUInt64BE(72) : 0n;
  const extensions = readExtensions(head, { start: layout.headerLength, end: layout.extEnd });
  if ("problem" in extensions) return unreadable(extensions.problem);
  let backing: { file: string; format: string | null } | null = null;
  // QEMU reads an empty name as no backing file.
  if (layout.backingOffset !== 0 && layout.backingSize !== 0) {
    const name = text(head, layout.backingOffset, layout.backingSize);
    if (name === null)
      return unreadable("the backing file name is not a path (NUL or invalid UTF-8)");
    backing = { file: name, format: extensions.backingFormat };
  }
  return {
    format: "qcow2",
    version: layout.version,
    virtualSize: layout.virtualSize,
    clusterSize: layout.clusterSize,
    backing,
    dirty: (incompatible & DIRTY) !== 0n,
    corrupt: (incompatible & CORRUPT) !== 0n,
    unsupported: unsupported({ incompatible, crypt: head.readUInt32BE(32), extensions }),
  };
}

// Why volplan leaves an image alone although it could parse it: its data or key lives elsewhere.
function unsupported(input: {
  incompatible: bigint;
  crypt: number;
  extensions: { dataFile: boolean; encryption: boolean };
}): string | null {
  const { incompatible, crypt, extensions } = input;
  if ((incompatible & DATA_FILE) !== 0n || extensions.dataFile)
    return "its data is kept in an external data file";
  if (crypt !== 0 || extensions.encryption) return "it is encrypted";
  const unknown = incompatible & ~KNOWN;
  if (unknown !== 0n)
    return `it uses incompatible features volplan does not know (0x${unknown.toString(16)})`;
  return null;
}
