// Reads a qcow2 header from an open descriptor: the first 64 KiB, and more only when the header
// says it needs more (never beyond QCOW2_MAX_HEAD_BYTES, whatever the file claims).
import type { FoundImage } from "../../plan/snapshot.js";
import { parseQcow2, QCOW2_HEAD_BYTES, QCOW2_MAX_HEAD_BYTES } from "./header.js";

/** Reads up to `length` bytes from the start of the file; fewer at its end. */
export type HeadReader = (length: number) => Buffer;

/** The image whose first bytes `read` returns, for a file of `fileSize` bytes (its fstat). */
export function readImageHeader(read: HeadReader, fileSize: number): FoundImage {
  let length = Math.min(fileSize, QCOW2_HEAD_BYTES);
  // Each round reads more than the last; three are enough for any header QEMU writes.
  for (let round = 0; round < 3; round++) {
    const head = read(length);
    // A short read means the file ended early (it shrank since fstat): parse what is there.
    const parsed = parseQcow2(head, head.length < length ? head.length : fileSize);
    if (!("need" in parsed)) return parsed;
    if (parsed.need <= head.length || parsed.need > QCOW2_MAX_HEAD_BYTES) break;
    length = parsed.need;
  }
  return { format: "unreadable", problem: "its header could not be read to its end" };
}
