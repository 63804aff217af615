// Mounts from /proc/self/mountinfo (proc(5)): parsing, and the mount that holds a path.
import { readFileSync } from "node:fs";

/** One line of mountinfo. */
export interface Mount {
  /** Device "major:minor" as the kernel prints it (decimal). */
  readonly device: string;
  readonly mountPoint: string;
  readonly type: string;
  readonly source: string;
}

/** Every mount in the text, in order (later lines are mounted over earlier ones). */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const mount = parseLine(line);
    if (mount !== null) mounts.push(mount);
  }
  return mounts;
}

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
function parseLine(line: string): Mount | null {
  const fields = line.split(" ");
  const separator = fields.indexOf("-", 6);
  const device = fields[2];
  const mountPoint = fields[4];
  const type = fields[separator + 1];
  const source = fields[separator + 2];
  if (separator === -1 || device === undefined || mountPoint === undefined) return null;
  if (type === undefined || !/^\d+:\d+$/.test(device)) return null;
  return {
    device,
    mountPoint: unescapeOctal(mountPoint),
    type: unescapeOctal(type),
    source: unescapeOctal(source ?? ""),
  };
}

/** Undoes the kernel's \ooo escaping of space, tab, newline and backslash. */
export function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** The mounts of this process's mount namespace, read now. */
export function readMounts(procRoot = "/proc"): Mount[] {
  return parseMountinfo(readFileSync(`${procRoot}/self/mountinfo`, "utf8"));
}

/**
 * The mount holding `path` on filesystem `id`. A device mounted several times (bind mounts)
 * resolves to the longest mount point containing the path. btrfs subvolumes report anonymous
 * device numbers in stat() that mountinfo does not list; for those the longest mount point
 * containing the path is used, whatever its device.
 */
export function mountFor(mounts: readonly Mount[], id: string, path: string): Mount | null {
  // One pass, no arrays or closures: observe asks once per image. ">=" keeps the later of two
  // equally long mount points (mounted over the earlier one).
  let onDevice: Mount | null = null;
  let any: Mount | null = null;
  let lastOfDevice: Mount | null = null;
  for (const m of mounts) {
    const sameDevice = m.device === id;
    if (sameDevice) lastOfDevice = m;
    if (!contains(m.mountPoint, path)) continue;
    if (any === null || m.mountPoint.length >= any.mountPoint.length) any = m;
    if (sameDevice && (onDevice === null || m.mountPoint.length >= onDevice.mountPoint.length)) {
      onDevice = m;
    }
  }
  return onDevice ?? any ?? lastOfDevice;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === "/" || path === mountPoint) return true;
  return path.startsWith(mountPoint) && path.charCodeAt(mountPoint.length) === 0x2f; // "/"
}

/**
 * Where a block device is mounted: mounts of its device number, and mounts whose source names it.
 * Why both: a btrfs filesystem shows an anonymous device (0:NN) in mountinfo, not the loop
 * device it lives on; only the source field names /dev/loopN then.
 */
export function mountPointsOf(
  mounts: readonly Mount[],
  device: { id: string; path: string },
): string[] {
  return mounts
    .filter((m) => m.device === device.id || m.source === device.path)
    .map((m) => m.mountPoint);
}
