// Rules for one volume that the schema cannot express: paths, seeds and combinations of options.
import { checkFormat, fsTypeOf, type VolumeCheck } from "./check-format.js";
import { checkImageFormat } from "./check-image-format.js";
import { checkSize } from "./check-size.js";
import { isRecord, stringAt } from "./guards.js";
import { error, pointer, warning, type Issue } from "./issue.js";
import { checkAbsolutePath, normalizePath, pathProblem } from "./paths.js";

// Every check appends to one list: this runs for every volume on every boot, and a list per
// check and volume (then concatenated) was most of its cost.

function checkSeed(id: string, volume: Record<string, unknown>, issues: Issue[]): void {
  const seed = volume.seed;
  const from = isRecord(seed) ? stringAt(seed, "from") : undefined;
  if (from === undefined) return;
  const at = pointer("volumes", id, "seed", "from");
  const what = `volume ${JSON.stringify(id)}: seed.from`;
  const bad = checkAbsolutePath({ value: from, pointer: at, what });
  if (bad !== null) {
    issues.push(bad);
    return;
  }
  const path = stringAt(volume, "path");
  if (
    path !== undefined &&
    pathProblem(path) === null &&
    normalizePath(path) === normalizePath(from)
  ) {
    issues.push(
      error(
        at,
        `${what} ${JSON.stringify(from)} is the volume's own path; an image cannot be copied onto itself.`,
        "Point seed.from at the base image (for example a raw image in the Nix store), or remove seed.",
      ),
    );
  }
}

function volumeName(id: string): string {
  return `volume ${JSON.stringify(id)}`;
}

// A block device is only checked for existence and size, so options that create or change it make no sense.
function checkBlockDevice(input: VolumeCheck): void {
  const { id, volume, type, issues } = input;
  if (volume.kind !== "block-device") return;
  const name = volumeName(id);
  const refuse = (key: string, found: string): void => {
    const message = `${name} is a block device, which volplan never creates, formats or writes, but it declares ${found}.`;
    issues.push(
      error(
        pointer("volumes", id, key),
        message,
        `Remove ${key}, or make the volume kind "image".`,
      ),
    );
  };
  if (volume.seed !== undefined) refuse("seed", "a seed");
  if (volume.imageFormat === "qcow2") refuse("imageFormat", `imageFormat "qcow2"`);
  if (volume.allocation === "preallocate" || volume.allocation === "zero") {
    refuse("allocation", `allocation ${JSON.stringify(volume.allocation)}`);
  }
  if (type !== undefined && type !== "none") refuse("format", `format ${JSON.stringify(type)}`);
  if (volume.growFilesystem === "host" || volume.growFilesystem === "guest") {
    refuse("growFilesystem", `growFilesystem ${JSON.stringify(volume.growFilesystem)}`);
  }
  // Why an error and not a check: udev sets a device node's owner and mode (and sets them again
  // on every change event), so volplan could neither keep them nor honestly report them as declared.
  for (const key of ["owner", "group", "mode"] as const) {
    if (volume[key] === undefined) continue;
    issues.push(
      error(
        pointer("volumes", id, key),
        `${name} is a block device, whose owner, group and mode udev sets; volplan neither sets nor checks them, but it declares ${key} ${JSON.stringify(volume[key])}.`,
        `Remove ${key}, and give the device its ${key} with a udev rule (for example services.udev.extraRules), or make the volume kind "image".`,
      ),
    );
  }
}

function checkOptions(input: VolumeCheck): void {
  const { id, volume, type, issues } = input;
  // A raw volume with a seed holds the seed's filesystem: "host" grows that one.
  const rawSeeded = type === "none" && volume.seed !== undefined;
  // A qcow2 image's contents are never grown by the host: checkImageFormat says so.
  if (
    volume.growFilesystem === "host" &&
    volume.imageFormat !== "qcow2" &&
    !rawSeeded &&
    (type === "vfat" || type === "swap" || type === "none")
  ) {
    issues.push(
      error(
        pointer("volumes", id, "growFilesystem"),
        `${volumeName(id)}: growFilesystem "host" is declared, but volplan cannot grow ${type === "none" ? "a raw image's contents" : `a ${type} filesystem`}.`,
        `Set growFilesystem to "guest" or "auto", or remove it.`,
      ),
    );
  }
  if (volume.seed !== undefined && volume.allocation === "zero") {
    issues.push(
      error(
        pointer("volumes", id, "allocation"),
        `${volumeName(id)}: allocation "zero" is declared together with a seed; a seeded image is a copy of its base image, not zeros.`,
        `Use allocation "sparse" or "preallocate", or remove seed.`,
      ),
    );
  }
  const mode = stringAt(volume, "mode");
  if (mode !== undefined && /^0?[0-7]{3}$/.test(mode) && (parseInt(mode, 8) & 0o002) !== 0) {
    issues.push(
      warning(
        pointer("volumes", id, "mode"),
        `${volumeName(id)}: mode ${JSON.stringify(mode)} lets every user on the host write the image.`,
        `Use "0660" with a group such as "kvm", or "0600".`,
      ),
    );
  }
}

// True for a size checkSize accepts without a word: whole bytes, a multiple of 512.
function plainSectors(size: unknown): boolean {
  return typeof size === "number" && Number.isSafeInteger(size) && size > 0 && size % 512 === 0;
}

/**
 * Appends the issues of one volume on its own (paths, size, format, option combinations) to
 * `issues`. `problem` is pathProblem of its path, which the caller has already computed.
 */
export function checkVolume(input: {
  id: string;
  volume: unknown;
  problem: ReturnType<typeof pathProblem>;
  issues: Issue[];
}): void {
  const { id, volume, problem, issues } = input;
  if (!isRecord(volume)) return;
  // Pointers and names for messages are built only when there is something to report: this
  // runs for every volume on every boot.
  if (problem !== null && typeof volume.path === "string") {
    const path = checkAbsolutePath({
      value: volume.path,
      pointer: pointer("volumes", id, "path"),
      what: `volume ${JSON.stringify(id)}: path`,
    });
    if (path !== null) issues.push(path);
  }
  if (!plainSectors(volume.size)) {
    issues.push(
      ...checkSize({
        value: volume.size,
        pointer: pointer("volumes", id, "size"),
        what: `volume ${JSON.stringify(id)}: size`,
        sectors: true,
      }),
    );
  }
  const type = fsTypeOf(volume);
  checkSeed(id, volume, issues);
  checkFormat({ id, volume, type, issues });
  checkBlockDevice({ id, volume, type, issues });
  checkOptions({ id, volume, type, issues });
  if (volume.imageFormat !== undefined || isRecord(volume.seed))
    checkImageFormat({ id, volume, type, issues });
}
