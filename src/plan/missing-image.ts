// Planning a volume whose image does not exist yet: create it, or seed it from a base image.
import { chooseAllocation } from "./allocation.js";
import { createBytes, seedBytes } from "./consumption.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { hostFilesystem, hostFilesystemName, only, volumeBase } from "./context.js";
import { formatBytes } from "../units/size.js";
import { planSeedGrowth } from "./growth.js";
import { isPseudoFilesystem } from "./file-size-limit.js";
import { allocationVisible } from "./upkeep.js";
import {
  refuseSeedLabelUnsettable,
  refuseSeedMissing,
  refuseSeedTooLarge,
} from "./refuse-content.js";
import { relabelProblem } from "./relabel-command.js";
import { refuseSeedFilesystem, refuseSeedUnusable } from "./refuse-unreachable.js";
import type { FoundFilesystem, ObservedSeed } from "./snapshot.js";
import type { Action, Ownership, PlanWarning, RefuseAction, SeedAction } from "./types.js";

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
          mkfs_args: [...volume.format.mkfsArgs],
        },
        ownership,
        ...(choice.note === null ? {} : { note: choice.note }),
      },
    ],
    warnings,
  };
}

// Why a seed cannot be copied, before anything is: not a regular file, a file of the kernel's
// pseudo filesystems, empty, larger than the volume, or holding another filesystem than declared.
function seedProblem(ctx: VolumeContext, from: string): RefuseAction | null {
  const seed = ctx.snapshot.seeds[from];
  if (seed?.what !== undefined) {
    const why = "only a regular file can be copied as an image";
    return refuseSeedUnusable(ctx, { from, what: seed.what, why });
  }
  if (seed === undefined || !seed.exists) return refuseSeedMissing(ctx, from);
  const fsType = ctx.snapshot.filesystems[seed.filesystem ?? ""]?.type;
  if (fsType !== undefined && isPseudoFilesystem(fsType)) {
    const why = `its contents are made up by the kernel when read, not a disk image`;
    return refuseSeedUnusable(ctx, { from, what: `a file on ${fsType}`, why });
  }
  if (seed.size === 0) {
    const why = "an empty copy holds nothing to boot or mount";
    return refuseSeedUnusable(ctx, { from, what: "an empty file", why });
  }
  if (seed.size > ctx.volume.size) return refuseSeedTooLarge(ctx, { from, seedSize: seed.size });
  // Not read (only in hand-made snapshots): nothing known to check.
  if (seed.foundFilesystem === undefined) return null;
  return refuseSeedFilesystem(ctx, { from, found: seed.foundFilesystem });
}

// The label to set on the copy: the declared one, when the seed's differs (volplan's own new image).
function relabelOf(
  ctx: VolumeContext,
  found: FoundFilesystem | null | undefined,
): NonNullable<SeedAction["relabel"]> | null {
  const declared = ctx.volume.format.label;
  if (declared === null || found === null || found === undefined) return null;
  return found.label === declared ? null : { fs_type: found.type, label: declared };
}

// A seed: a hole-preserving, reflinked where possible, copy of the base image.
function planSeed(ctx: VolumeContext, input: { from: string; ownership: Ownership }): VolumeResult {
  const problem = seedProblem(ctx, input.from);
  if (problem !== null) return only(problem);
  const seed = ctx.snapshot.seeds[input.from] as ObservedSeed;
  const relabel = relabelOf(ctx, seed.foundFilesystem);
  const unsettable = relabel === null ? null : relabelProblem(relabel.fs_type, relabel.label);
  if (relabel !== null && unsettable !== null && seed.foundFilesystem)
    return only(
      refuseSeedLabelUnsettable(ctx, {
        from: input.from,
        found: seed.foundFilesystem,
        declared: relabel.label,
        why: unsettable,
      }),
    );
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
  const refused = growth.actions.find((action) => action.kind === "refuse");
  if (refused !== undefined) return only(refused);
  const labelled = relabel === null ? "" : `, label it ${JSON.stringify(relabel.label)}`;
  return {
    actions: [
      {
        kind: "seed",
        ...volumeBase(ctx),
        consumes: { filesystem: ctx.filesystem, bytes },
        reason: `${ctx.volume.path} does not exist: copy it from ${input.from}${labelled} and grow it to ${formatBytes(ctx.volume.size)}`,
        size: ctx.volume.size,
        from: input.from,
        ...(relabel === null ? {} : { relabel }),
        ownership: input.ownership,
        note,
      },
      ...seedAllocation(ctx, seed),
      ...growth.actions,
    ],
    warnings: [...warnings, ...growth.warnings],
  };
}

// A seed copy keeps the seed's holes; a volume declared preallocated has them allocated after it.
function seedAllocation(ctx: VolumeContext, seed: ObservedSeed): Action[] {
  const allocation = chooseAllocation(ctx).allocation;
  if (allocation === "sparse" || !allocationVisible(hostFilesystem(ctx)?.type)) return [];
  const allocated = Math.min(seed.allocated, ctx.volume.size);
  return [
    {
      kind: "allocate",
      ...volumeBase(ctx),
      consumes: { filesystem: ctx.filesystem, bytes: ctx.volume.size - allocated },
      reason: `${ctx.volume.path} is declared ${allocation === "zero" ? "zero-filled" : "preallocated"}: allocate what the copy of ${seed.path} leaves as holes`,
      size: ctx.volume.size,
      allocated,
      allocation,
    },
  ];
}

/** The create or seed action for a missing image (or the refusal when its seed is unusable). */
export function planCreate(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const seed = ctx.volume.seed;
  return seed === null ? planFresh(ctx, ownership) : planSeed(ctx, { from: seed.from, ownership });
}
