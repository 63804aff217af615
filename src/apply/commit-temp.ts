// The last steps of an atomic create: owner and mode, fsync, link into place without clobbering, fsync the directory.
import { link, lstat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { VolplanError } from "../errors.js";
import type { Ownership } from "../plan/types.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { createExclusive, fsyncDirectory, removeQuietly } from "./safe-fs.js";
import { tempPathFor } from "../host/temp-name.js";

/** Fails unless `file` is (not a symlink to) the inode volplan has open. */
async function assertSameInode(input: {
  file: string;
  own: { dev: number; ino: number };
  what: string;
}): Promise<void> {
  const found = await lstat(input.file);
  if (found.dev === input.own.dev && found.ino === input.own.ino) return;
  throw new VolplanError(
    "PATH_SWAPPED",
    `${input.file}: the ${input.what} was replaced by another process while volplan was creating it; nothing was written through it. Check who else writes to ${path.dirname(input.file)}, then run volplan apply again.`,
  );
}

/** Parses a plan's "0660" mode into permission bits. */
export function modeBits(mode: string): number {
  return Number.parseInt(mode, 8) & 0o7777;
}

/**
 * Moves a fully written temp file to `finalPath` without ever replacing anything there.
 * Why link() and not rename(): Node has no renameat2(RENAME_NOREPLACE); link() fails with
 * EEXIST when anything is at the final path, atomically. It runs only after fsync, so a crash
 * leaves no image or a complete one; a crash between link and unlink leaves a second name of
 * the same inode, which the next run reclaims as a temp file.
 */
export async function commitTemp(input: {
  handle: FileHandle;
  temp: string;
  finalPath: string;
  ownership: Ownership;
  ctx: ApplyContext;
  subject: string;
  prefix: "create" | "seed";
}): Promise<void> {
  const { handle, temp, finalPath, ctx, subject, prefix } = input;
  // Why chown before chmod: chown clears setuid/setgid bits, chmod then sets the declared mode.
  await handle.chown(input.ownership.uid, input.ownership.gid);
  await handle.chmod(modeBits(input.ownership.mode));
  await ctx.hook(`${prefix}:after-chown` as const, subject);
  await handle.sync();
  await ctx.hook(`${prefix}:after-fsync` as const, subject);
  const own = await handle.stat();
  await assertSameInode({ file: temp, own, what: "temp file" });
  try {
    await link(temp, finalPath);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") {
      throw new VolplanError(
        "PATH_TAKEN",
        `${finalPath} appeared while volplan was creating it; volplan never replaces an existing file. Run volplan plan again.`,
        { cause },
      );
    }
    throw cause;
  }
  // Why check again after link(): the temp name could have been swapped between the check and
  // the link; link() never follows a symlink, so a swap shows up here as a foreign inode.
  await assertSameInode({ file: finalPath, own, what: "new image" }).catch(async (error) => {
    await unlink(finalPath).catch(() => undefined);
    throw error;
  });
  await ctx.hook(`${prefix}:after-link` as const, subject);
  await unlink(temp);
  await fsyncDirectory(path.dirname(finalPath));
  await ctx.hook(`${prefix}:after-unlink-temp` as const, subject);
}

/**
 * The life of a new image: a temp file beside `finalPath` (O_EXCL|O_NOFOLLOW), written by `fill`,
 * then committed; on any failure the temp file is removed. Returns `fill`'s note, if any.
 */
export async function makeImageViaTemp(input: {
  finalPath: string;
  ownership: Ownership;
  ctx: ApplyContext;
  subject: string;
  prefix: "create" | "seed";
  /** Writes the temp file (open as `handle`, named `temp`); returns a note for the report. */
  fill: (handle: FileHandle, temp: string) => Promise<string | undefined>;
}): Promise<StepOutcome> {
  const temp = tempPathFor(input.finalPath);
  const handle = await createExclusive(temp);
  try {
    const note = await input.fill(handle, temp);
    await commitTemp({
      handle,
      temp,
      finalPath: input.finalPath,
      ownership: input.ownership,
      ctx: input.ctx,
      subject: input.subject,
      prefix: input.prefix,
    });
    return note === undefined ? {} : { note };
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
