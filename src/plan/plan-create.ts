// Planning a volume whose image does not exist yet: create it, or seed it from a base image.
import { chooseAllocation } from "./allocation.js";
import { createBytes, seedBytes } from "./consumption.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { hostFilesystem, hostFilesystemName, only, volumeBase } from "./context.js";
import { formatBytes } from "../units/size.js";
import { planSeedGrowth } from "./plan-growth.js";
import { refuseSeedMissing, refuseSeedTooLarge } from "./refusals-content.js";
import type { Ownership, PlanWarning } from "./types.js";

const ALLOCATION_WORD = {
  sparse: "sparse",
  preallocate: "preallocated",
  zero: "zero-filled",
} as const;

// A create of a formatted (or raw) image.
function planFresh(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const { volume } = ctx;
  const choice = chooseAllocation(ctx);
  const bytes = createBytes({
    allocation: choice.allocation,
    type: volume.format.type,
    size: volume.size,
  });
  const what = volume.format.type === "none" ? "raw" : volume.format.type;
  const warnings: PlanWarning[] = choice.warning === null ? [] : [choice.warning];
  return {
    actions: [
      {
        kind: "create",
        ...volumeBase(ctx),
        consumes: { filesystem: ctx.filesystem, bytes },
        reason: `${volume.path} does not exist: create a ${formatBytes(volume.size)} ${ALLOCATION_WORD[choice.allocation]} ${what} image`,
        size: volume.size,
        allocation: choice.allocation,
        format: {
          type: volume.format.type,
          label: volume.format.label,
          uuid: volume.format.uuid,
          mkfsArgs: [...volume.format.mkfsArgs],
        },
        ownership,
        ...(choice.note === null ? {} : { note: choice.note }),
      },
    ],
    warnings,
  };
}

// A seed: a hole-preserving, reflinked where possible, copy of the base image.
function planSeed(ctx: VolumeContext, input: { from: string; ownership: Ownership }): VolumeResult {
  const seed = ctx.snapshot.seeds[input.from];
  if (seed === undefined || !seed.exists) return only(refuseSeedMissing(ctx, input.from));
  if (seed.size > ctx.volume.size)
    return only(refuseSeedTooLarge(ctx, { from: input.from, seedSize: seed.size }));
  // Why the filesystem check: a reflink shares blocks only within one filesystem.
  const reflink =
    hostFilesystem(ctx)?.capabilities.reflink === true && seed.filesystem === ctx.filesystem;
  const bytes = seedBytes({ seedAllocated: seed.allocated, reflink });
  const note = reflink
    ? `reflink copy of ${input.from} (shares its blocks)`
    : `hole-preserving copy of ${input.from} (${formatBytes(seed.allocated)} allocated)`;
  const warnings: PlanWarning[] = [];
  if (!reflink && seed.allocated > 0 && hostFilesystem(ctx)?.capabilities.reflink === false) {
    warnings.push({
      code: "no-reflink",
      subject: ctx.volume.id,
      message: `volume ${ctx.volume.id}: ${hostFilesystemName(ctx)} cannot reflink, so seeding ${ctx.volume.path} copies ${formatBytes(seed.allocated)} from ${input.from}. Keep images on a filesystem with reflink (btrfs, xfs) to share the blocks.`,
    });
  }
  // The copy is grown to the declared size; the filesystem in it is grown after it, as for images.
  const growth = planSeedGrowth(ctx, seed.foundFilesystem ?? null);
  return {
    actions: [
      {
        kind: "seed",
        ...volumeBase(ctx),
        consumes: { filesystem: ctx.filesystem, bytes },
        reason: `${ctx.volume.path} does not exist: copy it from ${input.from} and grow it to ${formatBytes(ctx.volume.size)}`,
        size: ctx.volume.size,
        from: input.from,
        ownership: input.ownership,
        note,
      },
      ...growth.actions,
    ],
    warnings: [...warnings, ...growth.warnings],
  };
}

/** The create or seed action for a missing image (or the refusal when its seed is unusable). */
export function planCreate(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const seed = ctx.volume.seed;
  return seed === null ? planFresh(ctx, ownership) : planSeed(ctx, { from: seed.from, ownership });
}
