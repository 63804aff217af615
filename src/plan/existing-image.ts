// Planning a volume whose image file exists: refuse conflicts, grow, fix ownership, or nothing.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { checkFilesystem } from "./filesystem-checks.js";
import { formatBytes } from "../units/size.js";
import { modeText, namesOf, ownershipText } from "./ownership.js";
import { planGrowth } from "./growth.js";
import { planUpkeep } from "./upkeep.js";
import { refuseInUse, refuseShrink } from "./refuse-content.js";
import { refuseHardLinked } from "./refuse-location.js";
import { reclaimedNamesOf } from "./temp-files.js";
import type { ObservedEntry } from "./snapshot.js";
import { unchangedReason } from "./unchanged-reason.js";
import type { Action, Ownership } from "./types.js";

/** An image file as observe describes it. */
export type ObservedFile = Extract<ObservedEntry, { type: "file" }>;

// The no-change action, its fields in the order of volumeBase and the schema.
function noChange(ctx: VolumeContext, file: ObservedFile, ownership: Ownership): Action {
  return {
    kind: "no-change",
    volume: ctx.volume.id,
    path: ctx.volume.path,
    consumes: { filesystem: ctx.filesystem, bytes: 0 },
    reason: unchangedReason({
      path: ctx.volume.path,
      size: file.size,
      filesystem: file.filesystem,
      ownership,
    }),
    size: file.size,
  };
}

/** A set-ownership action when the image's owner, group or mode differs from the declared ones. */
export function ownershipChange(
  ctx: VolumeContext,
  file: ObservedFile,
  ownership: Ownership,
): Action | null {
  const mode = modeText(file.mode);
  if (file.uid === ownership.uid && file.gid === ownership.gid && mode === ownership.mode)
    return null;
  const current: Ownership = {
    uid: file.uid,
    gid: file.gid,
    mode,
    ...namesOf({ uid: file.uid, gid: file.gid }, ctx.snapshot),
  };
  return {
    kind: "set-ownership",
    ...volumeBase(ctx),
    reason: `${ctx.volume.path} has ${ownershipText(current)} but the manifest declares ${ownershipText(ownership)}`,
    from: current,
    to: ownership,
  };
}

/** Actions for an existing image file, given the declared ownership in numbers. */
export function planExistingImage(
  ctx: VolumeContext,
  input: { file: ObservedFile; ownership: Ownership },
): VolumeResult {
  const { file, ownership } = input;
  if (file.size > ctx.volume.size) return only(refuseShrink(ctx, file.size));
  const conflict = checkFilesystem(ctx, file.filesystem);
  if (conflict !== null) return only(conflict);
  const growth = planGrowth(ctx, { size: file.size, found: file.filesystem });
  const refused = growth.actions.find((action) => action.kind === "refuse");
  if (refused !== undefined) return only(refused);
  const upkeep = planUpkeep(ctx, file);
  let actions = [...upkeep.actions, ...growth.actions];
  let warnings = [...growth.warnings, ...upkeep.warnings];
  if (actions.length > 0 && file.holders.length > 0) {
    // Ownership may still be fixed below; growing (or repairing what a killed run was resizing)
    // must wait until nothing holds the image.
    const wanted =
      file.size < ctx.volume.size
        ? `to grow from ${formatBytes(file.size)} to ${formatBytes(ctx.volume.size)}`
        : growth.actions.length > 0
          ? `its filesystem grown to fill ${formatBytes(file.size)}`
          : "its filesystem checked after a killed volplan run resized it";
    actions = [refuseInUse(ctx, { holders: file.holders, wanted })];
    warnings = upkeep.warnings;
  }
  const change = ownershipChange(ctx, file, ownership);
  if (change !== null) actions.push(change);
  // Only writes need the file to have one name; an unchanged image stays unchanged. A temp name
  // a killed run left between link() and unlink() is reclaimed before any write, so it does not count.
  const nlink = (file.nlink ?? 1) - reclaimedNamesOf(ctx.snapshot, ctx.volume.id, file.ino);
  if (nlink > 1 && actions.some((action) => action.kind !== "refuse"))
    return only(refuseHardLinked(ctx, nlink));
  if (actions.length === 0) actions.push(noChange(ctx, file, ownership));
  return { actions, warnings };
}
