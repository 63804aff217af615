// The header extensions of a qcow2 image (QEMU's docs/interop/qcow2.txt): the backing file's
// format, and the two that mean the image's data or keys live elsewhere. Lengths are checked
// against the end of the area they must stay in; nothing past it is read.

const EXT_END = 0x00000000;
const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_DATA_FILE = 0x44415441;
const EXT_ENCRYPTION = 0x0537be77;

// QEMU's limit: a backing format name shorter than 16 bytes.
const MAX_BACKING_FORMAT = 15;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What the header extensions say volplan needs to know. */
export interface Extensions {
  readonly backingFormat: string | null;
  readonly dataFile: boolean;
  readonly encryption: boolean;
}

/**
 * The header extensions from `start` to `end` (both checked against the bytes read by the
 * caller): 4-byte type, 4-byte length, data padded to 8 bytes, until type 0.
 */
export function readExtensions(
  head: Buffer,
  range: { readonly start: number; readonly end: number },
): Extensions | { problem: string } {
  let backingFormat: string | null = null;
  let dataFile = false;
  let encryption = false;
  let at = range.start;
  while (at + 8 <= range.end) {
    const type = head.readUInt32BE(at);
    const length = head.readUInt32BE(at + 4);
    if (type === EXT_END) break;
    if (length > range.end - at - 8)
      return { problem: `a header extension (0x${type.toString(16)}) runs past its end` };
    if (type === EXT_BACKING_FORMAT) {
      backingFormat = length <= MAX_BACKING_FORMAT ? text(head, at + 8, length) : null;
      if (backingFormat === null)
        return { problem: "the backing format name is not a format name" };
    }
    if (type === EXT_DATA_FILE) dataFile = true;
    if (type === EXT_ENCRYPTION) encryption = true;
    at += 8 + Math.ceil(length / 8) * 8;
  }
  return { backingFormat, dataFile, encryption };
}

/** `length` bytes at `offset` as UTF-8 text; null when they hold a NUL or are not UTF-8. */
export function text(head: Buffer, offset: number, length: number): string | null {
  const bytes = head.subarray(offset, offset + length);
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
