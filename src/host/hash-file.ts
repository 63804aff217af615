// Streaming sha256 of a file with large reads (the cold verify path; 4 MiB per read keeps syscalls rare).
import { createHash, type Hash } from "node:crypto";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";

/** Bytes per read when hashing. */
export const HASH_READ_SIZE = 4 * 1024 * 1024;

/** sha256 (hex) and size of a regular file, opened without following symlinks. */
export async function hashFile(file: string): Promise<{ hex: string; size: number }> {
  const handle = await openRegular(file);
  try {
    const hash = createHash("sha256");
    const size = await hashRange({ handle, hash, bytes: Number.POSITIVE_INFINITY });
    return { hex: hash.digest("hex"), size };
  } finally {
    await handle.close();
  }
}

/** Opens a file read-only with O_NOFOLLOW and refuses anything but a regular file. */
export async function openRegular(file: string): Promise<FileHandle> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ELOOP") {
        throw new VolplanError(
          "NOT_A_FILE",
          `${file} is a symlink; volplan reads only regular files here`,
          {
            cause: error,
          },
        );
      }
      throw error;
    },
  );
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new VolplanError("NOT_A_FILE", `${file} is not a regular file`);
  }
  return handle;
}

/** Feeds up to `bytes` from the start of a handle into a hash; returns the bytes read. */
async function hashRange(input: {
  handle: FileHandle;
  hash: Hash;
  bytes: number;
}): Promise<number> {
  const buffer = Buffer.allocUnsafe(HASH_READ_SIZE);
  let done = 0;
  while (done < input.bytes) {
    const want = Math.min(buffer.length, input.bytes - done);
    const { bytesRead } = await input.handle.read(buffer, 0, want, done);
    if (bytesRead === 0) break;
    input.hash.update(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
  return done;
}
