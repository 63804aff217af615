// Nix's base32 ("nix32"): its own alphabet and byte order, used for store hashes and `nix-hash --to-base32`.

/** Nix's base32 alphabet (no e, o, t, u). */
export const NIX32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

/** Characters nix32 needs for a hash of `bytes` bytes (52 for sha256). */
export function nix32Length(bytes: number): number {
  return Math.ceil((bytes * 8) / 5);
}

/** The nix32 text of some bytes, as `nix-hash --to-base32` prints it. */
export function encodeNix32(bytes: Uint8Array): string {
  let out = "";
  // Nix writes the last 5-bit group first; bit n*5 of the little-endian byte string is group n.
  for (let n = nix32Length(bytes.length) - 1; n >= 0; n--) {
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    const low = (bytes[i] ?? 0) >> j;
    const high = i + 1 < bytes.length ? (bytes[i + 1] ?? 0) << (8 - j) : 0;
    out += NIX32_ALPHABET[(low | high) & 0x1f];
  }
  return out;
}

/** The bytes of a nix32 text of a `size`-byte hash, or null when a character or the excess bits are invalid. */
export function decodeNix32(text: string, size: number): Uint8Array | null {
  if (text.length !== nix32Length(size)) return null;
  const bytes = new Uint8Array(size);
  for (let n = 0; n < text.length; n++) {
    const digit = NIX32_ALPHABET.indexOf(text[text.length - n - 1]!);
    if (digit < 0) return null;
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    bytes[i] = bytes[i]! | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i + 1 < size) bytes[i + 1] = bytes[i + 1]! | carry;
    else if (carry !== 0) return null;
  }
  return bytes;
}
