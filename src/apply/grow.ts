// Grows an image file (never shrinks) once it is checked to be unused and unchanged since the plan.
import { lstat } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { formatBytes } from "../units/size.js";
import type { GrowImageAction } from "../plan/types.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { holdersText } from "../plan/refuse-content.js";
import { holdersOfFile } from "../host/holders.js";
import { isNotSupported } from "../host/runner.js";
import {
  checkParentChain,
  descriptorPath,
  hardLinkError,
  openRegularForWrite,
  writeZeros,
} from "./safe-fs.js";

/** Refuses (code IMAGE_IN_USE) when any process holds the image, naming pid and command. */
export async function assertNotInUse(input: {
  file: string;
  subject: string;
  ctx: ApplyContext;
}): Promise<void> {
  const { file, subject } = input;
  const { dev, ino } = await lstat(file, { bigint: true });
  const holders = holdersOfFile({ path: file, dev, ino }, { openFiles: input.ctx.openFiles });
  if (holders.length === 0) return;
  throw new VolplanError(
    "IMAGE_IN_USE",
    `volume ${subject}: ${file} is in use (${holdersText(holders)}); volplan does not resize an image under a running VM. Stop the VM and run volplan apply again.`,
  );
}

/** Fails unless `file` is still a regular file (not a symlink) of `expected` bytes. */
export async function assertUnchanged(input: {
  file: string;
  subject: string;
  expected: number;
}): Promise<void> {
  const info = await lstat(input.file);
  if (!info.isFile()) {
    throw new VolplanError(
      "STALE_PLAN",
      `volume ${input.subject}: ${input.file} is no longer a regular file; run volplan plan again.`,
    );
  }
  if (info.nlink > 1) throw hardLinkError(input.file, info.nlink);
  if (info.size !== input.expected) {
    throw new VolplanError(
      "STALE_PLAN",
      `volume ${input.subject}: ${input.file} is ${formatBytes(info.size)} now but was ${formatBytes(input.expected)} when the plan was made; run volplan plan again.`,
    );
  }
}

/** Grows the image file from action.from to action.to with the plan's allocation, then fsyncs it. */
export async function applyGrowImage(
  action: GrowImageAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  const subject = action.volume;
  if (action.to <= action.from)
    throw new VolplanError(
      "INVALID_PLAN",
      `volume ${subject}: grow to ${action.to} is not larger than ${action.from}.`,
    );
  await checkParentChain(action.path);
  await assertNotInUse({ file: action.path, subject, ctx });
  await assertUnchanged({ file: action.path, subject, expected: action.from });
  const handle = await openRegularForWrite(action.path);
  let note: string | undefined;
  try {
    const current = await handle.stat();
    if (current.size !== action.from)
      await assertUnchanged({ file: action.path, subject, expected: action.from });
    if (action.allocation === "preallocate") {
      try {
        await ctx.runner(
          "fallocate",
          [
            "-o",
            String(action.from),
            "-l",
            String(action.to - action.from),
            descriptorPath(handle),
          ],
          { timeoutMs: TIMEOUTS.fallocate },
        );
      } catch (cause) {
        if (!isNotSupported(cause)) throw cause;
        note = "preallocate not supported on this filesystem: grown sparse";
      }
    }
    if (action.allocation === "zero") {
      await writeZeros({
        handle,
        from: action.from,
        to: action.to,
        onProgress: (done, total) => ctx.onProgress({ subject, step: "grow-zero", done, total }),
      });
    }
    // ftruncate also after fallocate/zeros: a no-op then, and the size step for sparse.
    if ((await handle.stat()).size < action.to) await handle.truncate(action.to);
    await ctx.hook("grow:after-truncate", subject);
    await handle.sync();
    await ctx.hook("grow:after-fsync", subject);
  } finally {
    await handle.close();
  }
  return note === undefined ? {} : { note };
}
