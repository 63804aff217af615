// Declared filesystems that mkfs would refuse: too small, label too long or not allowed.
import { formatBytes, parseSize } from "../units/size.js";
import { checkMkfsArgs } from "./check-mkfs-args.js";
import type { FsType } from "./desired.js";
import { FS_LIMITS } from "./fs-limits.js";
import { isRecord, stringAt } from "./guards.js";
import { error, pointer, type Issue } from "./issue.js";

// Characters a FAT volume label may hold besides A-Z, 0-9 and space (as mkfs.fat accepts them).
const VFAT_LABEL = /^[A-Z0-9 !#$%&'()@^_`{}~-]+$/;

const utf8 = new TextEncoder();

/** The declared filesystem type when it is a known one. */
export function fsTypeOf(volume: Record<string, unknown>): FsType | undefined {
  const format = volume.format;
  const type = isRecord(format) ? format.type : undefined;
  return typeof type === "string" && type in FS_LIMITS ? (type as FsType) : undefined;
}

function checkLabel(input: { id: string; type: FsType; label: string }): Issue | null {
  const { id, type, label } = input;
  const at = pointer("volumes", id, "format", "label");
  const what = `volume ${JSON.stringify(id)}: label ${JSON.stringify(label)}`;
  const max = FS_LIMITS[type].labelMaxBytes;
  if (max === null) {
    return error(
      at,
      `${what} is declared, but a ${type} image has no filesystem to label.`,
      "Remove format.label.",
    );
  }
  // Every UTF-16 unit is at most 3 bytes of UTF-8, so short labels need no encoding.
  const bytes = label.length * 3 <= max ? null : utf8.encode(label).length;
  if (bytes !== null && bytes > max) {
    return error(
      at,
      `${what} is ${bytes} bytes; ${type} labels hold at most ${max}.`,
      `Shorten the label to ${max} bytes or fewer.`,
    );
  }
  if (type === "vfat" && !VFAT_LABEL.test(label)) {
    return error(
      at,
      `${what} has lower-case letters or characters FAT labels cannot hold.`,
      `Use upper-case A-Z, digits, spaces and !#$%&'()-@^_\`{}~ only, for example ${JSON.stringify(label.toUpperCase().replace(/[^A-Z0-9 ]/g, "_"))}.`,
    );
  }
  return null;
}

function checkMinimum(input: { id: string; type: FsType; size: unknown }): Issue | null {
  const { id, type, size } = input;
  const min = FS_LIMITS[type].minBytes;
  const bytes = typeof size === "number" || typeof size === "string" ? parseSize(size) : null;
  if (min === null || bytes === null || bytes >= min) return null;
  return error(
    pointer("volumes", id, "size"),
    `volume ${JSON.stringify(id)}: size ${JSON.stringify(size)} (${bytes} bytes) is below the ${formatBytes(min)} (${min} bytes) that mkfs needs for ${type}.`,
    `Set size to at least ${min} (${formatBytes(min)}), or choose a filesystem that fits.`,
  );
}

/** What each per-volume check reads, and the list it appends its issues to. */
export interface VolumeCheck {
  readonly id: string;
  readonly volume: Record<string, unknown>;
  /** The declared filesystem type (fsTypeOf), when known. */
  readonly type: FsType | undefined;
  readonly issues: Issue[];
}

/**
 * Appends the issues of a volume's declared format to `issues`: size below the filesystem's
 * minimum, unusable label or uuid, mkfs arguments volplan does not pass on.
 */
export function checkFormat(input: VolumeCheck): void {
  const { id, volume, type, issues } = input;
  if (type === undefined || !isRecord(volume.format)) return;
  const minimum = checkMinimum({ id, type, size: volume.size });
  if (minimum !== null) issues.push(minimum);
  const label = stringAt(volume.format, "label");
  const labelIssue = label === undefined || label === "" ? null : checkLabel({ id, type, label });
  if (labelIssue !== null) issues.push(labelIssue);
  if (stringAt(volume.format, "uuid") !== undefined && (type === "vfat" || type === "none")) {
    issues.push(
      error(
        pointer("volumes", id, "format", "uuid"),
        `volume ${JSON.stringify(id)}: format.uuid is declared, but ${type} ${type === "vfat" ? "has a 32-bit volume id, not a UUID" : "images have no filesystem"}.`,
        "Remove format.uuid.",
      ),
    );
  }
  checkMkfsArgs({ id, type, args: volume.format.mkfsArgs, issues });
}
