// Writes a file so readers see either the old content or the whole new one, never a part.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** Writes `text` to `file` through a temp file in the same directory (O_EXCL, O_NOFOLLOW), fsync, rename. */
export async function writeFileAtomic(input: {
  readonly file: string;
  readonly text: string;
  readonly mode: number;
}): Promise<void> {
  const dir = path.dirname(input.file);
  const temp = path.join(
    dir,
    `.${path.basename(input.file)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(temp, flags, input.mode);
  try {
    await handle.writeFile(input.text, "utf8");
    // The umask may have narrowed the mode at creation; set it exactly.
    await handle.chmod(input.mode);
    await handle.sync();
    await handle.close();
    // rename replaces a symlink at the target rather than writing through it.
    await rename(temp, input.file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dirHandle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
