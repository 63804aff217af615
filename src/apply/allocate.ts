// Allocates the holes of a preallocated or zero-filled image again, never changing its data.
import { VolplanError } from "../errors.js";
import { isNotSupported } from "../host/runner.js";
import type { AllocateAction } from "../plan/types.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNotInUse, assertUnchanged } from "./grow.js";
import { checkParentChain, descriptorPath, openRegularForWrite } from "./safe-fs.js";

/**
 * fallocate over the whole image: mode 0 allocates only the ranges that are holes, and what it
 * allocates reads as zeros, so the data is left as it is. For "zero" too: the blocks are then
 * reserved unwritten, which is what zero-filling them was for.
 */
export async function applyAllocate(
  action: AllocateAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNotInUse({ file: action.path, subject, ctx });
  await assertUnchanged({ file: action.path, subject, expected: action.size });
  const handle = await openRegularForWrite(action.path);
  try {
    if ((await handle.stat()).size !== action.size)
      await assertUnchanged({ file: action.path, subject, expected: action.size });
    try {
      await ctx.runner("fallocate", ["-l", String(action.size), descriptorPath(handle)], {
        timeoutMs: TIMEOUTS.fallocate,
      });
    } catch (cause) {
      if (!isNotSupported(cause)) throw cause;
      throw new VolplanError(
        "ALLOCATE_UNSUPPORTED",
        `volume ${subject}: the filesystem holding ${action.path} does not support fallocate, so its holes cannot be allocated in place. Set allocation = "sparse" for it.`,
        { cause },
      );
    }
    await handle.sync();
    await ctx.hook("allocate:after-fallocate", subject);
  } finally {
    await handle.close();
  }
  return {};
}
