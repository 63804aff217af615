// Atomic create: a new temp file beside the image, sized and formatted, then linked into place.
import { lstat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { VolplanError } from "../errors.js";
import { mkfsCommand } from "../plan/mkfs-args.js";
import type { CreateAction } from "../plan/types.js";
import { makeImageViaTemp } from "./commit-temp.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { isOnBtrfs } from "../host/statfs.js";
import { isNotSupported } from "../host/runner.js";
import { refillHoles } from "./refill.js";
import { checkParentChain, descriptorPath, writeZeros } from "./safe-fs.js";

/** Fails unless nothing at all (not even a dangling symlink) is at `file`. */
export async function assertNothingAt(file: string): Promise<void> {
  const found = await lstat(file).then(
    (stat) => (stat.isSymbolicLink() ? "a symlink" : stat.isFile() ? "a file" : "something"),
    (cause: NodeJS.ErrnoException) => {
      if (cause.code === "ENOENT") return null;
      throw cause;
    },
  );
  if (found !== null) {
    throw new VolplanError(
      "PATH_TAKEN",
      `${file}: ${found} is there now but was missing when the plan was made; volplan never replaces it. Run volplan plan again.`,
    );
  }
}

/** How the temp file was sized: the allocation it got, and a note when that is a fallback. */
interface Sized {
  readonly allocation: CreateAction["allocation"];
  readonly note?: string;
}

/** Gives the temp file its size with the plan's allocation, falling back to sparse where it must. */
async function sizeFile(input: {
  handle: FileHandle;
  action: CreateAction;
  ctx: ApplyContext;
}): Promise<Sized> {
  const { handle, action, ctx } = input;
  switch (action.allocation) {
    case "sparse":
      await handle.truncate(action.size);
      return { allocation: "sparse" };
    case "preallocate":
      try {
        // Why the command: Node has no fallocate(2); util-linux's fallocate is the portable way.
        await ctx.runner("fallocate", ["-l", String(action.size), descriptorPath(handle)], {
          timeoutMs: TIMEOUTS.fallocate,
        });
        return { allocation: "preallocate" };
      } catch (cause) {
        if (!isNotSupported(cause)) throw cause;
        await handle.truncate(action.size);
        const where = path.dirname(action.path);
        return {
          allocation: "sparse",
          note: `preallocate not supported on the filesystem holding ${where}: created sparse`,
        };
      }
    case "zero":
      await writeZeros({
        handle,
        from: 0,
        to: action.size,
        onProgress: (done, total) =>
          ctx.onProgress({ subject: action.volume, step: "zero", done, total }),
      });
      return { allocation: "zero" };
  }
}

/**
 * On btrfs, turns copy-on-write off for a new, still empty temp file: a VM's random writes into a
 * copy-on-write image fragment it. Why while empty: btrfs applies NOCOW only to files without
 * data. Why the name and not the descriptor: chattr refuses /proc/PID/fd/N (it lstats it: a
 * symlink). It also refuses a symlink swapped in at the name, and commit checks the name is
 * still this inode.
 */
export async function noCopyOnWrite(input: {
  finalPath: string;
  temp: string;
  ctx: ApplyContext;
  subject: string;
}): Promise<void> {
  if (!isOnBtrfs(path.dirname(input.finalPath))) return;
  await input.ctx.runner("chattr", ["+C", "--", input.temp], { timeoutMs: TIMEOUTS.quick });
  await input.ctx.hook("create:after-nocow", input.subject);
}

/** Creates and formats a new image at action.path, atomically and without clobbering. */
export async function applyCreate(action: CreateAction, ctx: ApplyContext): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNothingAt(action.path);
  return makeImageViaTemp({
    finalPath: action.path,
    ownership: action.ownership,
    ctx,
    subject,
    prefix: "create",
    fill: async (handle, temp) => {
      await ctx.hook("create:after-open", subject);
      await noCopyOnWrite({ finalPath: action.path, temp, ctx, subject });
      const sized = await sizeFile({ handle, action, ctx });
      await ctx.hook("create:after-truncate", subject);
      const mkfs = mkfsCommand({
        type: action.format.type,
        label: action.format.label,
        uuid: action.format.uuid,
        mkfsArgs: action.format.mkfs_args,
        path: descriptorPath(handle),
        size: action.size,
        allocation: sized.allocation,
      });
      if (mkfs !== null) {
        await ctx.runner(mkfs.file, mkfs.args, { timeoutMs: TIMEOUTS.mkfs });
        if (sized.allocation !== "sparse") await refillHoles({ handle, size: action.size, ctx });
        await ctx.hook("create:after-mkfs", subject);
      }
      return sized.note ?? action.note;
    },
  });
}
