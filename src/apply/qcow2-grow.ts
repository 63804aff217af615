// Grows a qcow2 image's virtual size with qemu-img resize (never --shrink), once it is unused,
// still the image the plan saw, and checked clean; the guest grows what is inside.
import type { GrowImageAction } from "../plan/types.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNotInUse } from "./grow.js";
import { assertQcow2, checkQcow2, qcow2WithoutBacking } from "./qcow2-tools.js";
import { checkParentChain, openRegularForWrite } from "./safe-fs.js";

/** Grows the qcow2 image at action.path from action.from to action.to (virtual sizes). */
export async function applyGrowQcow2(
  action: GrowImageAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNotInUse({ file: action.path, subject, ctx });
  const handle = await openRegularForWrite(action.path);
  try {
    // The image the plan saw: qcow2 of the planned virtual size. Its backing file is not opened
    // (qcow2WithoutBacking) and must not change while it grows.
    const { backing } = await assertQcow2({
      handle,
      path: action.path,
      subject,
      expected: { virtualSize: action.from },
      code: "STALE_PLAN",
    });
    const note = await checkQcow2({ handle, path: action.path, subject, ctx });
    await ctx.hook("grow:after-check", subject);
    // qemu-img takes QEMU's own write lock on the image: a VM that opened it since the holder
    // check above makes it fail rather than resize under the guest.
    const args = ["resize", qcow2WithoutBacking(handle), String(action.to)];
    await ctx.runner("qemu-img", args, { timeoutMs: TIMEOUTS.resize });
    await ctx.hook("grow:after-qemu-resize", subject);
    await handle.sync();
    await ctx.hook("grow:after-fsync", subject);
    await assertQcow2({
      handle,
      path: action.path,
      subject,
      expected: { virtualSize: action.to, backing },
    });
    return note === undefined ? {} : { note };
  } finally {
    await handle.close();
  }
}
