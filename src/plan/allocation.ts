// The allocation strategy actually used on a host filesystem, after capability fallbacks.
import type { VolumeContext } from "./context.js";
import { hostFilesystem, hostFilesystemName } from "./context.js";
import type { PlanWarning } from "./types.js";

/** The strategy, why it differs from the declared one, and the warning to show. */
export interface AllocationChoice {
  readonly allocation: "sparse" | "preallocate" | "zero";
  readonly note: string | null;
  readonly warning: PlanWarning | null;
}

/** Preallocation falls back to sparse where the probe found fallocate unsupported; else as declared. */
export function chooseAllocation(ctx: VolumeContext): AllocationChoice {
  const declared = ctx.volume.allocation;
  if (declared !== "preallocate" || hostFilesystem(ctx)?.capabilities.fallocate !== false) {
    return { allocation: declared, note: null, warning: null };
  }
  const where = hostFilesystemName(ctx);
  const note = `${where} does not support fallocate, so the image is sparse instead of preallocated`;
  return {
    allocation: "sparse",
    note,
    warning: {
      code: "allocation-fallback",
      subject: ctx.volume.id,
      message: `volume ${ctx.volume.id}: ${note}; its space is not reserved up front. Set allocation = "zero" to have it written out, or "sparse" to silence this.`,
    },
  };
}
