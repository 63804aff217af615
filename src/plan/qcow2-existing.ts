// Planning a qcow2 volume whose image exists: refuse what volplan does not trust or would have
// to rebase, grow the virtual size, fix ownership, or nothing. What is inside is not inspected.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { qcow2GrowBytes } from "./consumption.js";
import type { ObservedFile } from "./existing-image.js";
import { ownershipChange } from "./existing-image.js";
import { modeText } from "./ownership.js";
import { formatBytes } from "../units/size.js";
import { qcow2GuestWarning } from "./qcow2-image.js";
import { refuseInUse, refuseSeedMissing, refuseShrink } from "./refuse-content.js";
import { refuseHardLinked } from "./refuse-location.js";
import {
  refuseBackingDiffers,
  refuseImageUnusable,
  refuseLinkedBacking,
  refuseNotQcow2,
} from "./refuse-qcow2.js";
import { reclaimedNamesOf } from "./temp-files.js";
import { shellCommand } from "../text/shell-quote.js";
import type { Qcow2Header } from "./snapshot.js";
import type { Action, Ownership, PlanWarning, RefuseAction } from "./types.js";

// The backing file the manifest declares: the seed of a "backing" volume, with its base's
// format when observe read it (null: not read, so only the path is compared).
function declaredBacking(ctx: VolumeContext): Qcow2Header["backing"] {
  const seed = ctx.volume.seed;
  if (seed?.mode !== "backing") return null;
  const image = ctx.snapshot.seeds[seed.from]?.image;
  const format = image?.format === "raw" || image?.format === "qcow2" ? image.format : null;
  return { file: seed.from, format };
}

// The recorded backing file against the declared one: exactly the same path, and the same
// format when both are known. A backing base that is gone is refused as a missing seed.
function backingProblem(ctx: VolumeContext, header: Qcow2Header): RefuseAction | null {
  const declared = declaredBacking(ctx);
  const found = header.backing;
  const same =
    declared === null
      ? found === null
      : found !== null &&
        found.file === declared.file &&
        (declared.format === null || found.format === declared.format);
  if (!same) return refuseBackingDiffers(ctx, { found, declared });
  const seed = declared === null ? undefined : ctx.snapshot.seeds[declared.file];
  if (declared !== null && seed?.exists !== true) return refuseSeedMissing(ctx, declared.file);
  if (declared !== null && seed?.resolved !== undefined)
    return refuseLinkedBacking(ctx, { from: declared.file, resolved: seed.resolved });
  return null;
}

function growAction(ctx: VolumeContext, from: number): Action {
  const to = ctx.volume.size;
  return {
    kind: "grow-image",
    ...volumeBase(ctx),
    consumes: { filesystem: ctx.filesystem, bytes: qcow2GrowBytes(to) },
    reason: `${ctx.volume.path} is a qcow2 image of ${formatBytes(from)} but the manifest declares ${formatBytes(to)}: grow its virtual size (qemu-img resize)`,
    from,
    to,
    allocation: "sparse",
    // What is inside is not inspected: the guest grows whatever it holds (a swap area cannot grow).
    filesystem_grown_by: ctx.volume.format.type === "swap" ? "none" : "guest",
    image_format: "qcow2",
  };
}

function noChange(ctx: VolumeContext, file: ObservedFile, header: Qcow2Header): Action {
  const b = header.backing;
  const backing =
    b === null ? "" : ` backed by ${b.file}${b.format === null ? "" : ` (${b.format})`}`;
  return {
    kind: "no-change",
    volume: ctx.volume.id,
    path: ctx.volume.path,
    consumes: { filesystem: ctx.filesystem, bytes: 0 },
    reason: `${ctx.volume.path} is a ${formatBytes(file.size)} qcow2 image${backing} with uid ${file.uid}, gid ${file.gid}, mode ${modeText(file.mode)}, as declared (the filesystem inside is not inspected)`,
    size: file.size,
  };
}

// The dirty bit: set while a VM with lazy refcounts has the image open, or left by one that was
// killed; QEMU repairs the refcounts when it next opens the image for writing.
function dirtyWarning(ctx: VolumeContext): PlanWarning {
  const { id, path } = ctx.volume;
  return {
    code: "image-dirty",
    subject: id,
    message: `volume ${id}: ${path} is a qcow2 image marked dirty (open with lazy refcounts, or not closed cleanly); QEMU repairs it when it next opens it for writing. If no VM uses it, check it with ${shellCommand("qemu-img", "check", "-r", "leaks", "-f", "qcow2", path)}.`,
  };
}

/** Actions for an existing file at the path of a volume declared qcow2. */
export function planExistingQcow2(
  ctx: VolumeContext,
  input: { file: ObservedFile; ownership: Ownership },
): VolumeResult {
  const { file, ownership } = input;
  const image = file.image ?? { format: "raw" as const };
  if (image.format === "raw") return only(refuseNotQcow2(ctx));
  if (image.format === "unreadable" || image.corrupt || image.unsupported !== null)
    return only(refuseImageUnusable(ctx, image));
  const backing = backingProblem(ctx, image);
  if (backing !== null) return only(backing);
  if (image.virtualSize > ctx.volume.size) return only(refuseShrink(ctx, image.virtualSize));
  let actions: Action[] = [];
  const warnings: PlanWarning[] = image.dirty ? [dirtyWarning(ctx)] : [];
  if (image.virtualSize < ctx.volume.size) {
    if (file.holders.length > 0) {
      const wanted = `to grow from ${formatBytes(image.virtualSize)} to ${formatBytes(ctx.volume.size)}`;
      actions.push(refuseInUse(ctx, { holders: file.holders, wanted }));
    } else {
      actions.push(growAction(ctx, image.virtualSize));
      if (ctx.volume.format.type !== "swap")
        warnings.push(qcow2GuestWarning(ctx, `grows to ${formatBytes(ctx.volume.size)}`));
    }
  }
  const change = ownershipChange(ctx, file, ownership);
  if (change !== null) actions.push(change);
  const nlink = (file.nlink ?? 1) - reclaimedNamesOf(ctx.snapshot, ctx.volume.id, file.ino);
  if (nlink > 1 && actions.some((action) => action.kind !== "refuse"))
    actions = [refuseHardLinked(ctx, nlink)];
  if (actions.length === 0) actions.push(noChange(ctx, file, image));
  return { actions, warnings: actions[0]?.kind === "refuse" ? [] : warnings };
}
