// Refusals of targets no apply could reach: a path on a kernel pseudo filesystem, a size beyond
// the largest file the host filesystem holds, and seeds that are not base images.
import type { VolumeContext } from "./context.js";
import { hostFilesystem } from "./context.js";
import { maxFileSize } from "./file-size-limit.js";
import { refuse } from "./refuse-location.js";
import { exactSizeText } from "./size-text.js";
import type { FoundFilesystem } from "./snapshot.js";
import type { RefuseAction } from "./types.js";
import { nixString } from "../text/nix-string.js";
import { formatBytes } from "../units/size.js";

/** Refusal for an image path on procfs, sysfs or another kernel pseudo filesystem. */
export function refuseUnsupportedFilesystem(ctx: VolumeContext, type: string): RefuseAction {
  const mountPoint = hostFilesystem(ctx)?.mountPoint ?? "?";
  return refuse(ctx, {
    refusal: "unsupported-filesystem",
    statement: `${ctx.volume.path} is on ${mountPoint}, a ${type} filesystem (the kernel's view of itself), which holds no image files`,
    found: `a ${type} filesystem at ${mountPoint}`,
    declared: `an image file at ${ctx.volume.path}`,
    fix: `set path to a directory on a disk-backed filesystem (for example /var/lib/microvms)`,
  });
}

/** Refusal for a size beyond the largest file the host filesystem holds; null when it fits (or no bound is known). */
export function refuseFileTooLarge(ctx: VolumeContext, size: number): RefuseAction | null {
  const fs = hostFilesystem(ctx);
  const limit = fs === undefined ? null : maxFileSize(fs);
  if (fs === undefined || limit === null || size <= limit) return null;
  const block = formatBytes(fs.blockSize);
  return refuse(ctx, {
    refusal: "file-too-large",
    statement: `${ctx.volume.path} cannot be ${formatBytes(size)}: the ${fs.type} filesystem at ${fs.mountPoint} (${block} blocks) holds files of at most ${formatBytes(limit)}`,
    found: `${fs.type} at ${fs.mountPoint}, largest file ${formatBytes(limit)}`,
    declared: formatBytes(size),
    fix: `set size = "${exactSizeText(Math.floor(limit / 1024 / 1024) * 1024 * 1024)}" or less, or keep the image on a filesystem that holds larger files (xfs, btrfs, or ext4 with 4 KiB blocks)`,
  });
}

/** Refusal for a seed path that holds something other than a usable base image. */
export function refuseSeedUnusable(
  ctx: VolumeContext,
  input: { from: string; what: string; why: string; fix?: string },
): RefuseAction {
  return refuse(ctx, {
    refusal: "seed-unusable",
    statement: `${ctx.volume.path} is to be seeded from ${input.from}, which is ${input.what}; ${input.why}`,
    found: `${input.what} at ${input.from}`,
    declared: `seed.from = ${nixString(input.from)}`,
    fix:
      input.fix ??
      `point seed.from at a base image file (for example a raw image in the Nix store), or remove seed to create an empty image`,
  });
}

/**
 * Refusal for a seed whose filesystem is not the declared one: the copy would be refused on every
 * later run (type-differs, unformatted), so nothing is copied. Null when it matches.
 */
export function refuseSeedFilesystem(
  ctx: VolumeContext,
  input: { from: string; found: FoundFilesystem | null },
): RefuseAction | null {
  const declared = ctx.volume.format.type;
  const { from, found } = input;
  if (declared === "none" || found?.type === declared) return null;
  if (found === null) {
    return refuse(ctx, {
      refusal: "unformatted",
      statement: `${ctx.volume.path} is to be seeded from ${from}, which holds no filesystem volplan recognizes, while the manifest declares ${declared}; the copy would not be the declared volume, so nothing is copied`,
      found: `no filesystem in ${from}`,
      declared,
      fix: `set format.type = "none" to copy it as it is, or point seed.from at a ${declared} image`,
    });
  }
  return refuse(ctx, {
    refusal: "type-differs",
    statement: `${ctx.volume.path} is to be seeded from ${from}, which holds ${found.type}, but the manifest declares ${declared}; volplan never reformats, so nothing is copied`,
    found: `${found.type} in ${from}`,
    declared,
    fix: `set format.type = "${found.type}", or point seed.from at a ${declared} image`,
  });
}
