// Atomic creation of new qcow2 images: written by qemu-img into a temp file beside the image (a
// lean filesystem in a second, raw temp file converted into it, or an empty image), read back and
// checked with qemu-img check, then linked into place. Images made from a base: qcow2-seed.ts.
import type { FileHandle } from "node:fs/promises";
import { tempPathFor } from "../host/temp-name.js";
import { mkfsCommand } from "../plan/mkfs-args.js";
import type { CreateAction } from "../plan/types.js";
import { makeImageViaTemp } from "./commit-temp.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNothingAt, noCopyOnWrite } from "./create.js";
import { assertQcow2, checkQcow2 } from "./qcow2-tools.js";
import { checkParentChain, createExclusive, descriptorPath, removeQuietly } from "./safe-fs.js";

// Runs `work` with a second temp file beside the image (a volplan temp name: a killed run's is
// reclaimed by the next), removed afterwards whatever happens.
async function withRawTemp<T>(
  finalPath: string,
  work: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const temp = tempPathFor(finalPath);
  const handle = await createExclusive(temp);
  try {
    return await work(handle);
  } finally {
    await handle.close().catch(() => undefined);
    await removeQuietly(temp);
  }
}

// The filesystem made lean in a sparse raw temp file, as for a raw image, converted into `out`.
async function convertFreshFilesystem(input: {
  action: CreateAction;
  out: FileHandle;
  ctx: ApplyContext;
}): Promise<void> {
  const { action, out, ctx } = input;
  await withRawTemp(action.path, async (raw) => {
    await raw.truncate(action.size);
    await ctx.hook("create:after-truncate", action.volume);
    const mkfs = mkfsCommand({
      type: action.format.type,
      label: action.format.label,
      uuid: action.format.uuid,
      mkfsArgs: action.format.mkfs_args,
      path: descriptorPath(raw),
      size: action.size,
      allocation: "sparse",
    });
    if (mkfs !== null) await ctx.runner(mkfs.file, mkfs.args, { timeoutMs: TIMEOUTS.mkfs });
    await ctx.hook("create:after-mkfs", action.volume);
    // Zero ranges of the raw file stay unallocated in the qcow2 image (convert skips them).
    const args = ["convert", "-f", "raw", "-O", "qcow2", descriptorPath(raw), descriptorPath(out)];
    await ctx.runner("qemu-img", args, { timeoutMs: TIMEOUTS.copy });
  });
}

/** Creates a qcow2 image at action.path, atomically and without clobbering. */
export async function applyCreateQcow2(
  action: CreateAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
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
      const out = descriptorPath(handle);
      if (action.format.type === "none") {
        const args = ["create", "-f", "qcow2", out, String(action.size)];
        await ctx.runner("qemu-img", args, { timeoutMs: TIMEOUTS.quick });
      } else {
        await convertFreshFilesystem({ action, out: handle, ctx });
      }
      await ctx.hook("create:after-convert", subject);
      const expected = { virtualSize: action.size, backing: null };
      await assertQcow2({ handle, path: action.path, subject, expected });
      const note = await checkQcow2({ handle, path: action.path, subject, ctx });
      await ctx.hook("create:after-check", subject);
      return note ?? action.note;
    },
  });
}
