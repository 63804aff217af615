// Checks and repairs an ext2/3/4 filesystem before anything else writes into its image: after a
// killed volplan resized it (e2fsck -f -y), or when its superblock records errors (e2fsck -f -p).
import { deviceId } from "../host/device-id.js";
import { CommandError } from "../host/runner.js";
import { VolplanError } from "../errors.js";
import type { RepairFilesystemAction } from "../plan/types.js";
import { shellCommand } from "../text/shell-quote.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNotInUse } from "./grow.js";
import { clearIntent } from "./intents.js";
import { checkParentChain, descriptorPath, openRegularForRead } from "./safe-fs.js";

// e2fsck exit codes: 0 clean, 1 errors fixed, 2 errors fixed and (for a mounted root) reboot;
// 4 and up: errors left, operational error, cancelled.
const FIXED = [0, 1, 2];

/** Runs e2fsck on volplan's own descriptor of the image, then drops the intent record of the killed run. */
export async function applyRepairFilesystem(
  action: RepairFilesystemAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNotInUse({ file: action.path, subject, ctx });
  const handle = await openRegularForRead(action.path);
  try {
    const own = await handle.stat();
    const flag = action.mode === "yes" ? "-y" : "-p";
    try {
      await ctx.runner("e2fsck", ["-f", flag, descriptorPath(handle)], {
        timeoutMs: TIMEOUTS.fsck,
        okExitCodes: FIXED,
      });
    } catch (cause) {
      if (!(cause instanceof CommandError) || cause.exitCode === null) throw cause;
      throw new VolplanError(
        "FILESYSTEM_DAMAGED",
        `volume ${subject}: e2fsck -f ${flag} left errors in the ${action.fs_type} filesystem in ${action.path} (exit ${cause.exitCode}); nothing else was done to the image. Check it yourself while it is not in use (${shellCommand("e2fsck", "-f", action.path)}), then run volplan apply again.`,
        { cause },
      );
    }
    await ctx.hook("repair:after-fsck", subject);
    await clearIntent(ctx.intents, { device: deviceId(own.dev), ino: own.ino });
  } finally {
    await handle.close();
  }
  return {};
}
