// Planning a qcow2 volume whose image does not exist yet: a fresh image (a lean filesystem
// converted to qcow2), a qcow2 copy of a base image, or a thin overlay backed by the base.
import { qcow2CreateBytes, qcow2MetadataBytes, qcow2OverlayBytes } from "./consumption.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { formatBytes } from "../units/size.js";
import { isPseudoFilesystem } from "./file-size-limit.js";
import { refuseSeedMissing, refuseSeedTooLarge } from "./refuse-content.js";
import { refuseLinkedBacking, refuseSeedLabel } from "./refuse-qcow2.js";
import { refuseSeedFilesystem, refuseSeedUnusable } from "./refuse-unreachable.js";
import type { ObservedSeed } from "./snapshot.js";
import { shellCommand } from "../text/shell-quote.js";
import type { Ownership, PlanWarning, RefuseAction } from "./types.js";

/** The warning that the guest, not volplan, grows what is inside a qcow2 image. */
export function qcow2GuestWarning(ctx: VolumeContext, what: string): PlanWarning {
  const { id, path, format } = ctx.volume;
  const how =
    format.type === "none"
      ? "grow its partitions and filesystems in the guest (for example growPartition with x-systemd.growfs)"
      : "make sure the guest grows it at boot (for example x-systemd.growfs, or growPartition for a partitioned disk)";
  return {
    code: "growth-by-guest",
    subject: id,
    message: `volume ${id}: ${path} ${what}, but volplan does not grow (or read) the filesystem inside a qcow2 image; ${how}.`,
  };
}

function createQcow2(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const { volume } = ctx;
  const type = volume.format.type;
  const how =
    type === "none"
      ? `an empty qcow2 image of ${formatBytes(volume.size)} (qemu-img create)`
      : `a ${formatBytes(volume.size)} qcow2 image holding ${type} (made lean in a sparse raw temp file, converted with qemu-img convert; not inspected afterwards)`;
  return only({
    kind: "create",
    ...volumeBase(ctx),
    consumes: { filesystem: ctx.filesystem, bytes: qcow2CreateBytes({ type, size: volume.size }) },
    reason: `${volume.path} does not exist: create ${how}`,
    size: volume.size,
    allocation: "sparse",
    format: {
      type,
      label: volume.format.label,
      uuid: volume.format.uuid,
      mkfs_args: [...volume.format.mkfsArgs],
    },
    ownership,
    image_format: "qcow2",
  });
}

/** A usable base image: its format and the size the guest sees (a qcow2 base's virtual size). */
interface Base {
  readonly seed: ObservedSeed;
  readonly format: "raw" | "qcow2";
  readonly size: number;
}

// Why a base cannot back or be converted into the volume, or what it is.
function baseOf(ctx: VolumeContext, from: string, backing: boolean): Base | RefuseAction {
  const seed = ctx.snapshot.seeds[from];
  const unusable = (what: string, why: string) => refuseSeedUnusable(ctx, { from, what, why });
  if (seed?.what !== undefined) return unusable(seed.what, "only a regular file can be a base");
  if (seed === undefined || !seed.exists) return refuseSeedMissing(ctx, from);
  if (backing && seed.resolved !== undefined)
    return refuseLinkedBacking(ctx, { from, resolved: seed.resolved });
  const fsType = ctx.snapshot.filesystems[seed.filesystem ?? ""]?.type;
  if (fsType !== undefined && isPseudoFilesystem(fsType))
    return unusable(`a file on ${fsType}`, "its contents are made up by the kernel when read");
  // Not read (only in hand-made snapshots): a raw base.
  const image = seed.image ?? { format: "raw" as const };
  if (image.format === "unreadable")
    return unusable("a file with an unreadable qcow2 header", image.problem);
  if (image.format === "qcow2" && (image.corrupt || image.unsupported !== null))
    return unusable(
      "a qcow2 image volplan does not use",
      image.corrupt ? "QEMU marked it corrupt" : (image.unsupported ?? ""),
    );
  // qemu-img, run by root, would open the base's own backing file too (any path, or a json:
  // or nbd: name), whoever wrote it into the base: only a standalone base is used.
  if (image.format === "qcow2" && image.backing !== null)
    return refuseSeedUnusable(ctx, {
      from,
      what: `a qcow2 image backed by ${JSON.stringify(image.backing.file)}`,
      why: "volplan makes images only from a standalone base: qemu-img, run as root, would read that backing file too, whoever named it",
      fix: `flatten the base yourself (${shellCommand("qemu-img", "convert", "-O", "qcow2", from, `${from}.flat`)}) and set seed.from to the flat copy`,
    });
  const size = image.format === "qcow2" ? image.virtualSize : seed.size;
  if (size === 0) return unusable("an empty file", "an empty base holds nothing to boot or mount");
  if (size > ctx.volume.size) return refuseSeedTooLarge(ctx, { from, seedSize: size });
  // A raw base's filesystem is read from its superblock; a qcow2 base's is not inspected.
  if (image.format === "raw" && seed.foundFilesystem !== undefined) {
    const wrong =
      refuseSeedFilesystem(ctx, { from, found: seed.foundFilesystem }) ??
      refuseSeedLabel(ctx, { from, found: seed.foundFilesystem });
    if (wrong !== null) return wrong;
  }
  return { seed, format: image.format, size };
}

function seedQcow2(
  ctx: VolumeContext,
  input: { from: string; ownership: Ownership; backing: boolean },
): VolumeResult {
  const base = baseOf(ctx, input.from, input.backing);
  if ("kind" in base) return only(base);
  const { volume } = ctx;
  const { from, backing } = input;
  const size = formatBytes(volume.size);
  const bytes = backing
    ? qcow2OverlayBytes(volume.size)
    : base.seed.allocated + qcow2MetadataBytes(volume.size);
  const warnings =
    base.size < volume.size && volume.format.type !== "swap"
      ? [qcow2GuestWarning(ctx, `is made from ${from} (${formatBytes(base.size)}) at ${size}`)]
      : [];
  return {
    actions: [
      {
        kind: "seed",
        ...volumeBase(ctx),
        consumes: { filesystem: ctx.filesystem, bytes },
        reason: backing
          ? `${volume.path} does not exist: create a ${size} qcow2 overlay backed by ${from} (${base.format}); it stores only what the guest writes`
          : `${volume.path} does not exist: convert ${from} (${base.format}) to a ${size} qcow2 image`,
        size: volume.size,
        from,
        ownership: input.ownership,
        image_format: "qcow2",
        mode: backing ? "backing" : "copy",
        backing_format: base.format,
        note: backing
          ? `thin overlay: ${from} must stay where it is, unchanged, for as long as the volume exists`
          : `converted with qemu-img convert (unallocated and zero ranges stay unallocated)`,
      },
    ],
    warnings,
  };
}

/** The create or seed action for a missing qcow2 image (or the refusal when its base is unusable). */
export function planQcow2Create(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const seed = ctx.volume.seed;
  if (seed === null) return createQcow2(ctx, ownership);
  return seedQcow2(ctx, { from: seed.from, ownership, backing: seed.mode === "backing" });
}
