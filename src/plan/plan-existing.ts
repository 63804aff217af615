// Planning a volume whose image file exists: refuse conflicts, grow, fix ownership, or nothing.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { checkFilesystem } from "./filesystem-checks.js";
import { formatBytes } from "../units/size.js";
import { modeText, ownershipText, sameOwnership } from "./ownership.js";
import { planGrowth } from "./plan-growth.js";
import { refuseInUse, refuseShrink } from "./refusals-content.js";
import { refuseHardLinked } from "./refusals.js";
import type { ObservedEntry } from "./snapshot.js";
import type { Action, Ownership } from "./types.js";

/** An image file as observe describes it. */
export type ObservedFile = Extract<ObservedEntry, { type: "file" }>;

// What the no-change action says was checked.
function unchangedReason(ctx: VolumeContext, file: ObservedFile, ownership: Ownership): string {
  const fs = file.filesystem;
  const content = fs === null ? "raw" : `${fs.type}${fs.label === null ? "" : ` "${fs.label}"`}`;
  return `${ctx.volume.path} is ${formatBytes(file.size)} ${content} with ${ownershipText(ownership)}, as declared`;
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
  const actions: Action[] = [];
  const warnings = [...growth.warnings];
  if (growth.actions.length > 0 && file.holders.length > 0) {
    // Ownership may still be fixed below; growing must wait until nothing holds the image.
    const wanted =
      file.size < ctx.volume.size
        ? `to grow from ${formatBytes(file.size)} to ${formatBytes(ctx.volume.size)}`
        : `its filesystem grown to fill ${formatBytes(file.size)}`;
    actions.push(refuseInUse(ctx, { holders: file.holders, wanted }));
    warnings.length = 0;
  } else {
    actions.push(...growth.actions);
  }
  const current: Ownership = { uid: file.uid, gid: file.gid, mode: modeText(file.mode) };
  if (!sameOwnership(current, ownership)) {
    actions.push({
      kind: "set-ownership",
      ...volumeBase(ctx),
      reason: `${ctx.volume.path} has ${ownershipText(current)} but the manifest declares ${ownershipText(ownership)}`,
      from: current,
      to: ownership,
    });
  }
  // Only writes need the file to have one name; an unchanged image stays unchanged.
  const nlink = file.nlink ?? 1;
  if (nlink > 1 && actions.some((action) => action.kind !== "refuse"))
    return only(refuseHardLinked(ctx, nlink));
  if (actions.length === 0) {
    actions.push({
      kind: "no-change",
      ...volumeBase(ctx),
      reason: unchangedReason(ctx, file, ownership),
      size: file.size,
    });
  }
  return { actions, warnings };
}
