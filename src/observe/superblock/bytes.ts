// Helpers shared by the superblock readers: bounds-checked fields, labels and UUIDs.

/** Largest size volplan trusts from a superblock; beyond it the bytes are not a filesystem it knows. */
export const MAX_TRUSTED_SIZE = Number.MAX_SAFE_INTEGER;

/** True when `end` bytes are available in the buffer. */
export function hasBytes(buf: Buffer, end: number): boolean {
  return buf.length >= end;
}

/** A little-endian u64 as a number, or null when it exceeds 2^53. */
export function readU64LE(buf: Buffer, offset: number): number | null {
  return safeNumber(buf.readBigUInt64LE(offset));
}

/** A big-endian u64 as a number, or null when it exceeds 2^53. */
export function readU64BE(buf: Buffer, offset: number): number | null {
  return safeNumber(buf.readBigUInt64BE(offset));
}

/** A bigint as a number when it is a safe integer. */
export function safeNumber(value: bigint): number | null {
  return value <= BigInt(MAX_TRUSTED_SIZE) ? Number(value) : null;
}

/** A byte count as a filesystem size, or null when absurd (zero or beyond 2^53). */
export function trustedSize(blocks: number, blockSize: number): number | null {
  const size = blocks * blockSize;
  return size > 0 && Number.isSafeInteger(size) ? size : null;
}

/** True for a power of two within [min, max]. */
export function isPowerOfTwoIn(value: number, min: number, max: number): boolean {
  return value >= min && value <= max && (value & (value - 1)) === 0;
}

/** A NUL-terminated (or NUL-padded) label as text; null when empty. */
export function readLabel(buf: Buffer, offset: number, length: number): string | null {
  // Found and decoded in place: no subarray per label (observe reads one per image).
  const nul = buf.indexOf(0, offset);
  const end = nul === -1 || nul > offset + length ? offset + length : nul;
  return end === offset ? null : buf.toString("utf8", offset, end);
}

/** 16 bytes as a lower-case 8-4-4-4-12 UUID; null when all zero (blkid reports none then). */
export function readUuid(buf: Buffer, offset: number): string | null {
  let zero = true;
  for (let i = offset; i < offset + 16 && zero; i++) zero = buf[i] === 0;
  if (zero) return null;
  const hex = buf.toString("hex", offset, offset + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
