// A small streaming tar reader: ustar, GNU long names ('L'/'K') and pax headers ('x'/'g': path, linkpath, size).
import { ByteReader } from "./byte-reader.js";
import { parsePax, type PaxFields } from "./tar-pax.js";

/** One archive member, with long-name and pax overrides applied. */
export interface TarHeader {
  readonly path: string;
  readonly linkPath: string;
  readonly size: number;
  readonly mode: number;
  readonly type:
    | "file"
    | "directory"
    | "symlink"
    | "hardlink"
    | "char-device"
    | "block-device"
    | "fifo"
    | "other";
  /** The raw type flag, for messages. */
  readonly typeFlag: string;
}

/** Receives each member; returns a function that consumes its data, or null to skip the data. */
export type TarVisitor = (header: TarHeader) => Promise<((chunk: Buffer) => Promise<void>) | null>;

// Metadata members (long names, pax) are held in memory: cap them.
const MAX_META = 1024 * 1024;

const TYPES: Record<string, TarHeader["type"]> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
};

/** Walks an uncompressed tar stream, calling `visit` for every member in order. */
export async function readTar(source: AsyncIterable<Uint8Array>, visit: TarVisitor): Promise<void> {
  const reader = new ByteReader(source);
  let local: PaxFields = {};
  let global: PaxFields = {};
  for (;;) {
    const block = await reader.exact(512);
    if (block === null || block.every((byte) => byte === 0)) return;
    const raw = parseHeader(block);
    const size = local.size ?? global.size ?? raw.size;
    const padded = Math.ceil(size / 512) * 512;
    if (
      raw.typeFlag === "L" ||
      raw.typeFlag === "K" ||
      raw.typeFlag === "x" ||
      raw.typeFlag === "g"
    ) {
      const data = await readMeta(reader, size, padded);
      if (raw.typeFlag === "L") local = { ...local, path: cString(data) };
      else if (raw.typeFlag === "K") local = { ...local, linkPath: cString(data) };
      else if (raw.typeFlag === "x") local = { ...local, ...parsePax(data) };
      else global = { ...global, ...parsePax(data) };
      continue;
    }
    const header: TarHeader = {
      path: local.path ?? global.path ?? raw.path,
      linkPath: local.linkPath ?? global.linkPath ?? raw.linkPath,
      size,
      mode: raw.mode,
      type: TYPES[raw.typeFlag] ?? "other",
      typeFlag: raw.typeFlag,
    };
    local = {};
    const sink = await visit(header);
    await reader.pass(size, sink ?? (() => Promise.resolve()));
    await reader.pass(padded - size, () => Promise.resolve());
  }
}

async function readMeta(reader: ByteReader, size: number, padded: number): Promise<Buffer> {
  if (size > MAX_META)
    throw new Error(`tar metadata member of ${size} bytes is larger than ${MAX_META}`);
  const data = await reader.exact(padded);
  if (data === null) throw new Error("unexpected end of archive inside a metadata member");
  return data.subarray(0, size);
}

function parseHeader(block: Buffer): {
  path: string;
  linkPath: string;
  size: number;
  mode: number;
  typeFlag: string;
} {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  if (parseOctal(block.subarray(148, 156)) !== sum)
    throw new Error("corrupt tar header (checksum mismatch)");
  const name = cString(block.subarray(0, 100));
  // Only POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  ") uses those bytes for other things.
  const posix = block.subarray(257, 263).toString("latin1") === "ustar\0";
  const prefix = posix ? cString(block.subarray(345, 500)) : "";
  return {
    path: prefix === "" ? name : `${prefix}/${name}`,
    linkPath: cString(block.subarray(157, 257)),
    size: parseNumber(block.subarray(124, 136)),
    mode: parseOctal(block.subarray(100, 108)),
    typeFlag: String.fromCharCode(block[156] ?? 0),
  };
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString("utf8");
}

function parseOctal(bytes: Buffer): number {
  const text = bytes
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`corrupt tar header (bad octal field "${text}")`);
  return parseInt(text, 8);
}

// GNU base-256 for sizes beyond 8 GiB: high bit set, big-endian two's complement.
function parseNumber(bytes: Buffer): number {
  if (((bytes[0] ?? 0) & 0x80) === 0) return parseOctal(bytes);
  let value = (bytes[0] ?? 0) & 0x7f;
  for (let i = 1; i < bytes.length; i++) value = value * 256 + (bytes[i] ?? 0);
  if (!Number.isSafeInteger(value)) throw new Error("tar entry size is too large");
  return value;
}
