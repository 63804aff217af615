// Places one tar member under the target directory: never through a symlink, never over an earlier member.
import { constants } from "node:fs";
import { chmod, link, lstat, mkdir, open, symlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { archiveComponents, linkStaysInside } from "./extract-paths.js";
import type { TarHeader } from "./tar-reader.js";

/** A member the archive must not contain; the message names it. */
export class Refusal extends Error {}

/** What an extraction has created so far. */
export interface State {
  readonly to: string;
  readonly symlinks: string[][];
  /** The file being written, closed on failure. */
  open: FileHandle | null;
  files: number;
  directories: number;
  links: number;
  bytes: number;
}

/** Creates one member; returns the sink for a regular file's data. */
export async function placeEntry(
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
    // mkdir honours the umask; the tree should look the same whoever extracts it.
    await chmod(dir, 0o755);
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
