// The private mount points xfs and btrfs growth uses (<stateDir>/grow/<pid>-<random>), and their
// reclaim after a killed run: unmount, detach the loop device, remove the directory.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync } from "node:fs";
import { readSync, readdirSync, rmdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readMounts } from "../host/mountinfo.js";
import { effectiveUid, isRunningVolplan } from "../host/processes.js";
import type { Runner } from "../host/runner.js";
import { TIMEOUTS } from "./context.js";
import { assertOwnStateDirectory } from "./state-subdir.js";

const NAME = /^(\d+)-[A-Za-z0-9]{6}$/;
const TARGET = "target";
const TARGET_TEXT = /^(\d+:\d+:\d+)\n?$/;

/** A fresh, private (0700) mount point for one grow, named after this process (the state directory must exist). */
export async function makeGrowMountPoint(growMounts: string): Promise<string> {
  try {
    mkdirSync(growMounts, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  assertOwnStateDirectory(growMounts, "its grow mount points");
  return mkdtemp(path.join(growMounts, `${process.pid}-`));
}

/**
 * Records, inside the mount point and before anything is attached, which image ("dev:ino") the
 * grow is for; mounting hides the record and unmounting shows it again.
 */
export async function recordGrowTarget(mountPoint: string, target: string): Promise<void> {
  await writeFile(path.join(mountPoint, TARGET), `${target}\n`, { flag: "wx", mode: 0o600 });
}

/** Removes a mount point after its grow (its record first); never throws over the grow's own error. */
export async function removeGrowMountPoint(mountPoint: string): Promise<void> {
  await rm(path.join(mountPoint, TARGET), { force: true }).catch(() => undefined);
  try {
    rmdirSync(mountPoint);
  } catch {
    // still mounted or not empty: the next run's reclaim handles it
  }
}

// A mount point volplan made (a real directory, not a symlink), of a run that is no longer alive.
function deadRunsMountPoint(growMounts: string, dir: string): boolean {
  const match = NAME.exec(path.basename(dir));
  if (match === null || path.dirname(dir) !== growMounts || isRunningVolplan(Number(match[1])))
    return false;
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

// The "major:minor:inode" a mount point's record names, or null when the record is not one volplan
// wrote: read without following a symlink or blocking on a FIFO, only from a small regular file
// of its own user.
function readGrowTarget(dir: string): string | null {
  let fd: number;
  try {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    fd = openSync(path.join(dir, TARGET), flags);
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.uid !== effectiveUid() || stats.size > 64) return null;
    const buffer = Buffer.alloc(64);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return TARGET_TEXT.exec(buffer.subarray(0, length).toString("latin1"))?.[1] ?? null;
  } finally {
    closeSync(fd);
  }
}

function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // no grow has ever run under this state directory
  }
}

// Loop devices whose backing inode is `target` ("major:minor:inode") and that nothing mounts.
async function idleLoopsOf(input: {
  target: string;
  runner: Runner;
  mounted: ReadonlySet<string>;
}): Promise<string[]> {
  const listed = await input.runner(
    "losetup",
    ["--list", "--noheadings", "--raw", "--output", "NAME,BACK-MAJ:MIN,BACK-INO"],
    { timeoutMs: TIMEOUTS.quick },
  );
  return listed.stdout
    .split("\n")
    .map((line) => line.replaceAll("\\x20", " ").trim().split(/\s+/))
    .filter(([name, majMin, ino]) => `${majMin}:${ino}` === input.target && name !== undefined)
    .map(([name]) => name ?? "")
    .filter((name) => !input.mounted.has(name));
}

/**
 * Unmounts every grow mount a killed volplan left, detaches its loop device and removes its
 * directory. Why at every apply, under the lock and before anything is observed: such a mount
 * keeps an image attached read-write on the host (a VM must not boot from it, and mounting it
 * again beside it would corrupt it). Returns what was reclaimed, for the report.
 */
export async function reclaimGrowMounts(input: {
  growMounts: string;
  runner: Runner;
}): Promise<string[]> {
  const { growMounts, runner } = input;
  const reclaimed: string[] = [];
  assertOwnStateDirectory(growMounts, "its grow mount points");
  const dead = listOrEmpty(growMounts)
    .map((name) => path.join(growMounts, name))
    .filter((dir) => deadRunsMountPoint(growMounts, dir));
  if (dead.length === 0) return reclaimed;
  const mounts = readMounts();
  for (const dir of dead) {
    // Last mounted first: a point mounted over itself is unmounted as often as it was mounted.
    for (const mount of mounts.filter((m) => m.mountPoint === dir).reverse()) {
      await runner("umount", [dir], { timeoutMs: TIMEOUTS.mount });
      reclaimed.push(`unmounted ${mount.source} from ${dir}`);
    }
    const target = readGrowTarget(dir);
    if (target !== null) {
      const mounted = new Set(readMounts().map((m) => m.source));
      for (const device of await idleLoopsOf({ target, runner, mounted })) {
        await runner("losetup", ["--detach", device], { timeoutMs: TIMEOUTS.quick });
        reclaimed.push(`detached ${device}`);
      }
    }
    await removeGrowMountPoint(dir);
  }
  return reclaimed;
}
