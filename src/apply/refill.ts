// Allocates again what a tool punched out of a preallocated or zero-filled image.
import type { FileHandle } from "node:fs/promises";
import { isNotSupported } from "../host/runner.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext } from "./context.js";
import { descriptorPath } from "./safe-fs.js";

/**
 * Fills the holes of the open image up to `size`. Why: where the filesystem has no
 * FALLOC_FL_ZERO_RANGE (tmpfs), mke2fs and resize2fs zero ranges by punching holes, which undoes
 * a preallocation. Mode 0 fallocate allocates only holes, which read as zeros: the filesystem in
 * the image is unchanged. Nothing to do (or no fallocate on this filesystem): nothing is run.
 */
export async function refillHoles(input: {
  handle: FileHandle;
  size: number;
  ctx: ApplyContext;
}): Promise<void> {
  const { handle, size, ctx } = input;
  if ((await handle.stat()).blocks * 512 >= size) return;
  await ctx
    .runner("fallocate", ["-l", String(size), descriptorPath(handle)], {
      timeoutMs: TIMEOUTS.fallocate,
    })
    .catch((cause: unknown) => {
      if (!isNotSupported(cause)) throw cause;
    });
}
