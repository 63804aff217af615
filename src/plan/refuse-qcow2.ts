// Refusals about a qcow2 image: a file that is not one, a header volplan does not trust or
// cannot work with, a backing file other than the declared base.
import type { VolumeContext } from "./context.js";
import { nixString } from "../text/nix-string.js";
import { refuse } from "./refuse-location.js";
import { shellCommand } from "../text/shell-quote.js";
import type { FoundFilesystem, FoundImage, Qcow2Header } from "./snapshot.js";
import type { RefuseAction } from "./types.js";

/** Refusal for a file declared qcow2 that holds raw bytes: volplan never converts an existing image. */
export function refuseNotQcow2(ctx: VolumeContext): RefuseAction {
  const path = ctx.volume.path;
  return refuse(ctx, {
    refusal: "image-format-differs",
    statement: `${path} is a raw image (it has no qcow2 header) but the manifest declares imageFormat "qcow2"; volplan never converts an existing image`,
    found: "raw image",
    declared: "qcow2",
    fix: `set imageFormat = "raw", or convert it yourself while no VM uses it (${shellCommand("qemu-img", "convert", "-f", "raw", "-O", "qcow2", path, `${path}.qcow2`)}, then move ${path}.qcow2 to ${path})`,
  });
}

/** Refusal for a qcow2 image volplan leaves alone: an implausible header, a corrupt image, data or keys kept elsewhere. */
export function refuseImageUnusable(
  ctx: VolumeContext,
  image: Exclude<FoundImage, { format: "raw" }>,
): RefuseAction {
  const path = ctx.volume.path;
  const check = shellCommand("qemu-img", "check", "-f", "qcow2", path);
  const { found, why, fix } =
    image.format === "unreadable"
      ? {
          found: `an unreadable qcow2 header: ${image.problem}`,
          why: "volplan does not trust it",
          fix: `inspect it with ${check}; repair or replace it yourself`,
        }
      : image.corrupt
        ? {
            found: "a qcow2 image QEMU marked corrupt",
            why: "QEMU opens it read-only until it is repaired",
            fix: `repair it yourself while no VM uses it (${shellCommand("qemu-img", "check", "-r", "all", "-f", "qcow2", path)})`,
          }
        : {
            found: `a qcow2 image volplan does not manage: ${image.unsupported ?? ""}`,
            why: "volplan neither grows nor checks it",
            fix: `manage it yourself, or remove the volume from the manifest`,
          };
  return refuse(ctx, {
    refusal: "image-unusable",
    statement: `${path} holds ${found}; ${why}`,
    found,
    declared: "a qcow2 image",
    fix,
  });
}

function backingText(backing: Qcow2Header["backing"]): string {
  if (backing === null) return "no backing file";
  const format = backing.format === null ? "no recorded format" : backing.format;
  return `backing file ${JSON.stringify(backing.file)} (${format})`;
}

/**
 * Refusal for a qcow2 image whose recorded backing file (path or format) is not the declared one:
 * volplan never rebases, so the image is left as it is.
 */
export function refuseBackingDiffers(
  ctx: VolumeContext,
  input: { found: Qcow2Header["backing"]; declared: Qcow2Header["backing"] },
): RefuseAction {
  const path = ctx.volume.path;
  const { found, declared } = input;
  const seedEdit =
    found === null
      ? "remove seed.mode (or seed)"
      : `set seed = { from = ${nixString(found.file)}; mode = "backing"; }`;
  return refuse(ctx, {
    refusal: "backing-differs",
    statement: `${path} records ${backingText(found)} but the manifest declares ${backingText(declared)}; volplan never rebases an image`,
    found: backingText(found),
    declared: backingText(declared),
    fix: `${seedEdit} to keep the image as it is, or rebase it yourself while no VM uses it (qemu-img rebase) if the new base holds the same data`,
  });
}

/** Refusal for a raw base whose label is not the declared one: volplan does not relabel inside a qcow2 image. Null when it matches. */
export function refuseSeedLabel(
  ctx: VolumeContext,
  input: { from: string; found: FoundFilesystem | null },
): RefuseAction | null {
  const declared = ctx.volume.format.label;
  const { from, found } = input;
  if (declared === null || found === null || found.label === declared) return null;
  const foundText = found.label === null ? "no label" : `label ${nixString(found.label)}`;
  return refuse(ctx, {
    refusal: "label-differs",
    statement: `${ctx.volume.path} is to be made from ${from}, whose ${found.type} has ${foundText}, but the manifest declares label ${nixString(declared)}; volplan does not relabel inside a qcow2 image`,
    found: `${foundText} in ${from}`,
    declared: `label ${nixString(declared)}`,
    fix:
      found.label === null
        ? "remove format.label, or label the base image"
        : `set format.label = ${nixString(found.label)}, or remove format.label`,
  });
}

/**
 * Refusal for a backing base named through a symlink: the overlay records the path as given and
 * QEMU follows it on every open, so a link that moves (a Nix profile) changes the guest's disk.
 */
export function refuseLinkedBacking(
  ctx: VolumeContext,
  input: { from: string; resolved: string },
): RefuseAction {
  return refuse(ctx, {
    refusal: "seed-unusable",
    statement: `${ctx.volume.path} is to be backed by ${input.from}, which leads through a symlink to ${input.resolved}; an overlay records the path it is given and reads whatever it leads to later, so a moved link would change the guest's disk under it`,
    found: `a symlink to ${input.resolved}`,
    declared: `seed.from = ${nixString(input.from)} with seed.mode = "backing"`,
    fix: `set seed.from = ${nixString(input.resolved)} (the base itself), or set seed.mode = "copy"`,
  });
}
