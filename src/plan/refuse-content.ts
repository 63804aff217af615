// Refusals about what an existing image or device holds: its size, its filesystem, its users.
import type { DesiredVolume } from "../manifest/desired.js";
import type { VolumeContext } from "./context.js";
import { formatBytes } from "../units/size.js";
import { exactSizeText } from "./size-text.js";
import { nixString } from "../text/nix-string.js";
import { refuse } from "./refuse-location.js";
import { relabelCommand, relabelProblem } from "./relabel-command.js";
import { shellCommand } from "../text/shell-quote.js";
import type { FoundFilesystem, Holder } from "./snapshot.js";
import type { RefuseAction } from "./types.js";

/** Refusal to shrink an image larger than declared. */
export function refuseShrink(ctx: VolumeContext, found: number): RefuseAction {
  const { path, size } = ctx.volume;
  return refuse(ctx, {
    refusal: "shrink",
    statement: `${path} is ${formatBytes(found)} but the manifest declares ${formatBytes(size)}; volplan never shrinks`,
    found: formatBytes(found),
    declared: formatBytes(size),
    fix: `set size = "${exactSizeText(found)}", or remove the image yourself to recreate it (its data is lost)`,
  });
}

/**
 * Refusal for an image smaller than the filesystem its superblock describes (cut short, or the
 * superblock is damaged or forged): growing it would make resize2fs shrink the filesystem to
 * the image, or hand the guest a filesystem whose end reads as zeros.
 */
export function refuseFilesystemBeyondImage(
  ctx: VolumeContext,
  input: { found: FoundFilesystem; size: number },
): RefuseAction {
  const { path, size } = ctx.volume;
  const { found } = input;
  return refuse(ctx, {
    refusal: "filesystem-unreadable",
    statement: `the ${found.type} filesystem in ${path} spans ${formatBytes(found.size)} but the image is only ${formatBytes(input.size)} (it was cut short, or its superblock is damaged); volplan grows neither to ${formatBytes(size)}`,
    found: `${found.type} of ${formatBytes(found.size)} in an image of ${formatBytes(input.size)}`,
    declared: formatBytes(size),
    fix: `check it yourself while it is not in use (${shellCommand(...checkCommand(found.type, path))}), then restore the image from a copy or remove it to recreate it (its data is lost)`,
  });
}

// A read-only check of the filesystem in an image, for a message.
function checkCommand(type: FoundFilesystem["type"], path: string): string[] {
  switch (type) {
    case "ext2":
    case "ext3":
    case "ext4":
      return ["e2fsck", "-fn", path];
    case "xfs":
      return ["xfs_repair", "-n", path];
    case "btrfs":
      return ["btrfs", "check", "--readonly", path];
    case "vfat":
      return ["fsck.vfat", "-n", path];
    case "swap":
      return ["swaplabel", path];
  }
}

/** Refusal for a block device smaller than declared (volplan never resizes devices). */
export function refuseDeviceTooSmall(ctx: VolumeContext, found: number): RefuseAction {
  const { path, size } = ctx.volume;
  if (found === 0) {
    // sysfs gave no size: a device that is not ready, or not the device meant.
    return refuse(ctx, {
      refusal: "device-too-small",
      statement: `the size of the block device ${path} could not be read (the kernel reports 0 bytes); volplan never uses a device it cannot measure`,
      found: "0 bytes",
      declared: formatBytes(size),
      fix: `check that ${path} is the device you mean and that it is ready (${shellCommand("blockdev", "--getsize64", path)})`,
    });
  }
  return refuse(ctx, {
    refusal: "device-too-small",
    statement: `the block device ${path} is ${formatBytes(found)} but the manifest declares ${formatBytes(size)}; volplan never resizes devices`,
    found: formatBytes(found),
    declared: formatBytes(size),
    fix: `grow the device yourself (for example zfs set volsize=${exactSizeText(size)} or lvextend -L ${size}b), or set size = "${exactSizeText(found)}"`,
  });
}

/** Refusal for a block device that does not exist. */
export function refuseDeviceMissing(ctx: VolumeContext): RefuseAction {
  const { path, size } = ctx.volume;
  return refuse(ctx, {
    refusal: "device-missing",
    statement: `the block device ${path} does not exist; volplan never creates devices`,
    found: "nothing",
    declared: `a block device of at least ${formatBytes(size)}`,
    fix: `create it yourself (for example zfs create -V ${exactSizeText(size)} or lvcreate -L ${size}b), or correct the path`,
  });
}

/** Refusal for an image or device without a recognized filesystem where one is declared. */
export function refuseUnformatted(ctx: VolumeContext): RefuseAction {
  const { path, format } = ctx.volume;
  return refuse(ctx, {
    refusal: "unformatted",
    statement: `${path} exists but holds no filesystem volplan recognizes, while the manifest declares ${format.type}; volplan formats only what it creates`,
    found: "no filesystem",
    declared: format.type,
    fix: `set format.type = "none" to use it as it is, or remove it yourself to have it recreated as ${format.type} (its data is lost)`,
  });
}

/** Refusal for a filesystem of another type than declared. */
export function refuseTypeDiffers(ctx: VolumeContext, found: FoundFilesystem): RefuseAction {
  const { path, format } = ctx.volume;
  return refuse(ctx, {
    refusal: "type-differs",
    statement: `${path} holds ${found.type} but the manifest declares ${format.type}; volplan never reformats`,
    found: found.type,
    declared: format.type,
    fix: `set format.type = "${found.type}", or remove it yourself to have it recreated as ${format.type} (its data is lost)`,
  });
}

// How to set the declared label oneself: the command, or why there is none.
function relabelAdvice(type: FoundFilesystem["type"], path: string, label: string): string {
  if (relabelProblem(type, label) !== null) return "declare a label without blanks";
  const { file, args } = relabelCommand(type, path, label);
  return `relabel it yourself while it is not in use (${shellCommand(file, ...args)})`;
}

/**
 * Refusal for a seed whose label differs from the declared one when the declared label cannot
 * be set on the copy (relabelProblem): nothing is copied that every later run would refuse.
 */
export function refuseSeedLabelUnsettable(
  ctx: VolumeContext,
  input: { from: string; found: FoundFilesystem; declared: string; why: string },
): RefuseAction {
  const { from, found, declared } = input;
  const foundText = found.label === null ? "no label" : `label ${nixString(found.label)}`;
  return refuse(ctx, {
    refusal: "label-differs",
    statement: `${ctx.volume.path} is to be seeded from ${from}, whose ${found.type} has ${foundText}, but the manifest declares label ${nixString(declared)}, which volplan cannot set on the copy: ${input.why}`,
    found: `${foundText} in ${from}`,
    declared: `label ${nixString(declared)}`,
    fix: "declare a label without blanks, or label the base image itself",
  });
}

/** Refusal for a label other than the declared one. */
export function refuseLabelDiffers(
  ctx: VolumeContext,
  found: FoundFilesystem,
  declared: string,
): RefuseAction {
  const { path } = ctx.volume;
  const foundText = found.label === null ? "no label" : `label ${nixString(found.label)}`;
  const keep =
    found.label === null ? "remove format.label" : `set format.label = ${nixString(found.label)}`;
  return refuse(ctx, {
    refusal: "label-differs",
    statement: `${path} holds ${found.type} with ${foundText} but the manifest declares label ${nixString(declared)}; volplan never relabels`,
    found: foundText,
    declared: `label ${nixString(declared)}`,
    fix: `${keep}, or ${relabelAdvice(found.type, path, declared)}`,
  });
}

/** Holders for messages: "pid 812 (qemu-system-x86) holding an OFD lock". */
export function holdersText(holders: readonly Holder[]): string {
  const how = {
    "ofd-lock": "an OFD lock",
    "posix-lock": "a POSIX lock",
    flock: "a flock",
    open: "it open",
  } as const;
  return holders
    .map(
      (h) =>
        `${h.pid === null ? "an unknown process" : `pid ${h.pid}`}${h.command === null ? "" : ` (${h.command})`} holding ${how[h.how]}`,
    )
    .join(", ");
}

/** Refusal to write to an image a process holds. */
export function refuseInUse(
  ctx: VolumeContext,
  input: { holders: readonly Holder[]; wanted: string },
): RefuseAction {
  const who = holdersText(input.holders);
  return refuse(ctx, {
    refusal: "in-use",
    statement: `${ctx.volume.path} needs ${input.wanted}, but it is in use by ${who}; volplan does not write to an image in use`,
    found: `in use by ${who}`,
    declared: input.wanted,
    fix: "stop what uses it (for example the VM), then run volplan again",
  });
}

/** Refusal for a seed whose base image is missing. */
export function refuseSeedMissing(ctx: VolumeContext, from: string): RefuseAction {
  return refuse(ctx, {
    refusal: "seed-missing",
    statement: `${ctx.volume.path} is to be seeded from ${from}, which does not exist`,
    found: `no file at ${from}`,
    declared: `seed.from = ${nixString(from)}`,
    fix: `build or copy the base image to ${from}, or remove seed to create an empty image`,
  });
}

/** Refusal for a base image larger than the declared size. */
export function refuseSeedTooLarge(
  ctx: VolumeContext,
  input: { from: string; seedSize: number },
): RefuseAction {
  const volume: DesiredVolume = ctx.volume;
  return refuse(ctx, {
    refusal: "seed-too-large",
    statement: `${volume.path} is to be seeded from ${input.from}, which is ${formatBytes(input.seedSize)}, but the manifest declares ${formatBytes(volume.size)}; volplan never shrinks`,
    found: `base image of ${formatBytes(input.seedSize)}`,
    declared: formatBytes(volume.size),
    fix: `set size = "${exactSizeText(input.seedSize)}" or larger`,
  });
}
