// Fixes owner, group and mode of an existing image through an O_NOFOLLOW descriptor.
import type { SetOwnershipAction } from "../plan/types.js";
import { modeBits } from "./commit-temp.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { checkParentChain, openRegularForRead } from "./safe-fs.js";

/** fchown then fchmod the image at action.path (never a symlink, never a device). */
export async function applySetOwnership(
  action: SetOwnershipAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  await checkParentChain(action.path);
  const handle = await openRegularForRead(action.path);
  try {
    // Why chown first: it clears setuid/setgid bits; chmod then sets the declared mode.
    await handle.chown(action.to.uid, action.to.gid);
    await handle.chmod(modeBits(action.to.mode));
    await ctx.hook("set-ownership:after-chown", action.volume);
  } finally {
    await handle.close();
  }
  return {};
}
