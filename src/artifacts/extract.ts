// Extracts a cached kexec tarball into a fresh private directory, refusing anything that could escape it.
import { createReadStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { VolplanError } from "../errors.js";
import { placeEntry, Refusal, type State } from "./extract-entry.js";
import { prepareTarget } from "./extract-target.js";
import { resolvesInside } from "./extract-paths.js";
import { openRegular } from "../host/hash-file.js";
import { readTar } from "./tar-reader.js";

/** What an extraction created, and where. */
export interface ExtractSummary {
  /** The target's real path (its parent directories resolved). */
  readonly to: string;
  readonly files: number;
  readonly directories: number;
  readonly links: number;
  readonly bytes: number;
}

/**
 * Extracts `archive` (.tar.gz or .tar) into `to`, which must not exist (volplan creates it) or
 * be an empty directory of the caller's that only the caller can write, below directories only
 * root or the caller can write (see prepareTarget); removes everything on refusal.
 */
export async function extractTarball(input: {
  readonly archive: string;
  readonly to: string;
}): Promise<ExtractSummary> {
  const { to, created } = await prepareTarget(input.to);
  const state: State = {
    to,
    symlinks: [],
    open: null,
    files: 0,
    directories: 0,
    links: 0,
    bytes: 0,
  };
  const streams: Readable[] = [];
  try {
    const source = await openArchive(input.archive);
    streams.push(source);
    await readTar(source, (header) => placeEntry(state, header));
    for (const parts of state.symlinks) {
      if (!(await resolvesInside(to, parts)))
        throw new Refusal(`symlink ${parts.join("/")} resolves outside ${to}`);
    }
    return {
      to,
      files: state.files,
      directories: state.directories,
      links: state.links,
      bytes: state.bytes,
    };
  } catch (error) {
    await state.open?.close().catch(() => undefined);
    await clean(to, created);
    const what = created ? `${to} was removed` : `${to} was emptied again`;
    if (error instanceof Refusal) {
      throw new VolplanError(
        "EXTRACT_REFUSED",
        `refusing to extract ${input.archive}: ${error.message}; ${what}.`,
      );
    }
    throw new VolplanError(
      "EXTRACT_FAILED",
      `cannot extract ${input.archive}: ${(error as Error).message}; ${what}.`,
      {
        cause: error,
      },
    );
  }
}

async function openArchive(archive: string): Promise<Readable> {
  const handle = await openRegular(archive);
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  const stream = createReadStream("", { fd: handle, highWaterMark: 1024 * 1024, start: 0 });
  return magic[0] === 0x1f && magic[1] === 0x8b
    ? stream.pipe(createGunzip({ chunkSize: 1024 * 1024 }))
    : stream;
}

async function clean(to: string, created: boolean): Promise<void> {
  if (created) {
    await rm(to, { recursive: true, force: true });
    return;
  }
  for (const name of await readdir(to).catch(() => []))
    await rm(path.join(to, name), { recursive: true, force: true });
}
