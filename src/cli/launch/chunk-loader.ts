// Loads the bundle's CommonJS chunks through vm.Script with the V8 code cache the build wrote
// beside each one: compiling the ~250 KB a no-op plan runs cost about 5 ms on every run.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";

type ChunkFunction = (
  exports: unknown,
  require: (id: string) => unknown,
  module: ChunkModule,
  filename: string,
  dirname: string,
) => void;

interface ChunkModule {
  exports: unknown;
}

/** The function a chunk's text runs in; the build compiles the same text (V8 checks its length). */
export function wrapChunk(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * Where the build keeps the code cache of chunk `file` whose bytes are `source`, for the V8
 * running now. The name carries a checksum of the bytes: V8 checks only a cache's length against
 * the text, so a chunk edited in place (a patched package) must not find the cache of its old
 * text. CRC-32 from node:zlib rather than a hash from node:crypto, which takes 2 ms to load.
 */
export function cachePathOf(file: string, source: Uint8Array): string {
  const checksum = crc32(source).toString(16).padStart(8, "0");
  return `${file}.${process.versions.v8}.${source.length}-${checksum}.v8cache`;
}

const loaded = new Map<string, ChunkModule>();
const cacheUsed = new Map<string, boolean>();
let builtins: NodeJS.Require | null = null;

/**
 * Runs a chunk once and returns its exports, as require() would. Its requires of "./x.cjs" load
 * sibling chunks the same way; anything else (node:* built-ins) goes to Node's require. A cache
 * V8 refuses (another Node, another build) only costs the compile it would have saved.
 */
export function loadChunk(file: string): unknown {
  const known = loaded.get(file);
  if (known !== undefined) return known.exports;
  const module: ChunkModule = { exports: {} };
  // Registered before it runs, so a cycle sees the exports made so far, as with require().
  loaded.set(file, module);
  const source = readFileSync(file);
  const cachedData = readCache(cachePathOf(file, source));
  const script = new Script(wrapChunk(source.toString("utf8")), {
    filename: file,
    ...(cachedData === null ? {} : { cachedData }),
  });
  cacheUsed.set(file, cachedData !== null && script.cachedDataRejected !== true);
  const dir = dirname(file);
  builtins ??= createRequire(file);
  const outside = builtins;
  const chunkRequire = (id: string): unknown =>
    id.startsWith("./") ? loadChunk(join(dir, id)) : outside(id);
  const run = script.runInThisContext() as ChunkFunction;
  run.call(module.exports, module.exports, chunkRequire, module, file, dir);
  return module.exports;
}

/** Chunks loaded so far, each with whether V8 took its code cache (for tests and benchmarks). */
export function chunkCacheUse(): ReadonlyMap<string, boolean> {
  return cacheUsed;
}

function readCache(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null; // no cache for this V8 (or none built): compile from the text
  }
}
