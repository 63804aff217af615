// Extracts a cached kexec tarball into a fresh private directory, refusing anything that could escape it.
import { createReadStream, constants } from "node:fs";
import { link, lstat, mkdir, open, readdir, rm, symlink, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { VolplanError } from "../errors.js";
import { archiveComponents, linkStaysInside, resolvesInside } from "./extract-paths.js";
import { openRegular } from "./hash-file.js";
import { readTar, type TarHeader } from "./tar-reader.js";

/** What an extraction created. */
export interface ExtractSummary {
  readonly files: number;
  readonly directories: number;
  readonly links: number;
  readonly bytes: number;
}

class Refusal extends Error {}

/** Extracts `archive` (.tar.gz or .tar) into `to`, which must not exist or be empty; removes everything on refusal. */
export async function extractTarball(input: {
  readonly archive: string;
  readonly to: string;
}): Promise<ExtractSummary> {
  const to = path.resolve(input.to);
  const created = await prepareTarget(to);
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
        "extract-refused",
        `refusing to extract ${input.archive}: ${error.message}; ${what}.`,
      );
    }
    throw new VolplanError(
      "extract-failed",
      `cannot extract ${input.archive}: ${(error as Error).message}; ${what}.`,
      {
        cause: error,
      },
    );
  }
}

// Returns whether the directory was created here (then a refusal removes it entirely).
async function prepareTarget(to: string): Promise<boolean> {
  const stats = await lstat(to).catch(() => null);
  if (stats === null) {
    await mkdir(to, { mode: 0o755 });
    return true;
  }
  if (stats.isSymbolicLink() || !stats.isDirectory() || (await readdir(to)).length > 0) {
    throw new VolplanError(
      "extract-target-not-empty",
      `${to} already exists and is not an empty directory; extract into a new directory (each extraction is a fresh private copy)`,
    );
  }
  return false;
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

interface State {
  readonly to: string;
  readonly symlinks: string[][];
  /** The file being written, closed on failure. */
  open: FileHandle | null;
  files: number;
  directories: number;
  links: number;
  bytes: number;
}

async function placeEntry(
  state: State,
  header: TarHeader,
): Promise<((chunk: Buffer) => Promise<void>) | null> {
  const checked = archiveComponents(header.path);
  if ("problem" in checked)
    throw new Refusal(`entry ${JSON.stringify(header.path)}: ${checked.problem}`);
  const { parts } = checked;
  if (parts.length === 0) return null;
  await ensureParents(state.to, parts);
  const target = path.join(state.to, ...parts);
  switch (header.type) {
    case "directory":
      await makeDirectory(target, header.path);
      state.directories++;
      return null;
    case "file":
      return writeFile(state, target, header);
    case "symlink":
      if (!linkStaysInside(parts, header.linkPath)) {
        throw new Refusal(
          `symlink ${JSON.stringify(header.path)} -> ${JSON.stringify(header.linkPath)} points outside the target`,
        );
      }
      await symlink(header.linkPath, target);
      state.symlinks.push(parts);
      state.links++;
      return null;
    case "hardlink":
      await hardLink(state.to, target, header);
      state.links++;
      return null;
    case "char-device":
    case "block-device":
    case "fifo":
    case "other":
      throw new Refusal(
        `entry ${JSON.stringify(header.path)} is a ${header.type} (type '${header.typeFlag}'); only files, directories and links are allowed`,
      );
  }
}

// Every parent must be a real directory created by this extraction: never write through a symlink.
async function ensureParents(to: string, parts: readonly string[]): Promise<void> {
  for (let i = 1; i < parts.length; i++) {
    await makeDirectory(path.join(to, ...parts.slice(0, i)), parts.slice(0, i).join("/"));
  }
}

async function makeDirectory(dir: string, name: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o755 });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stats = await lstat(dir);
  if (!stats.isDirectory())
    throw new Refusal(
      `${JSON.stringify(name)} is needed as a directory but the archive made it a ${stats.isSymbolicLink() ? "symlink" : "file"}`,
    );
}

async function writeFile(
  state: State,
  target: string,
  header: TarHeader,
): Promise<(chunk: Buffer) => Promise<void>> {
  const mode = (header.mode & 0o111) !== 0 ? 0o755 : 0o644;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(target, flags, mode).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST" || error.code === "ELOOP")
      throw new Refusal(`entry ${JSON.stringify(header.path)} would overwrite an earlier entry`);
    throw error;
  });
  state.open = handle;
  await handle.chmod(mode);
  state.files++;
  let written = 0;
  const done = async () => {
    state.open = null;
    await handle.close();
  };
  if (header.size === 0) await done();
  return async (chunk) => {
    await handle.write(chunk);
    written += chunk.length;
    state.bytes += chunk.length;
    if (written === header.size) await done();
  };
}

async function hardLink(to: string, target: string, header: TarHeader): Promise<void> {
  const checked = archiveComponents(header.linkPath);
  if ("problem" in checked || checked.parts.length === 0) {
    throw new Refusal(
      `hard link ${JSON.stringify(header.path)} -> ${JSON.stringify(header.linkPath)} points outside the target`,
    );
  }
  for (let i = 1; i <= checked.parts.length; i++) {
    const stats = await lstat(path.join(to, ...checked.parts.slice(0, i))).catch(() => null);
    const last = i === checked.parts.length;
    if (stats === null || (last ? !stats.isFile() : !stats.isDirectory())) {
      throw new Refusal(
        `hard link ${JSON.stringify(header.path)} -> ${JSON.stringify(header.linkPath)} does not name an extracted regular file`,
      );
    }
  }
  await link(path.join(to, ...checked.parts), target);
}

async function clean(to: string, created: boolean): Promise<void> {
  if (created) {
    await rm(to, { recursive: true, force: true });
    return;
  }
  for (const name of await readdir(to).catch(() => []))
    await rm(path.join(to, name), { recursive: true, force: true });
}
