// Loop devices backed by an image: a mounted or opened one means the image is in use, and grow
// mounts left by a killed volplan are reclaimed before an image is touched again.
import { readdir, readFile, rmdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deviceId } from "../observe/device-id.js";
import type { Holder } from "../plan/snapshot.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext } from "./context.js";
import { isRunningVolplan } from "./remove-temp.js";

/** One loop device whose backing file is the image. */
export interface LoopAttachment {
  readonly device: string;
  /** "major:minor" of the loop device. */
  readonly devId: string;
  readonly mountPoints: readonly string[];
  /** Something stacks on it (a partition, device-mapper) or a process has it open. */
  readonly busy: boolean;
}

/** The prefix of the private mount directories grow uses; the pid tells whether its run is alive. */
export function growMountPrefix(pid: number = process.pid): string {
  return path.join(os.tmpdir(), `volplan-grow-${pid}-`);
}

const GROW_MOUNT = /^volplan-grow-(\d+)-[A-Za-z0-9]{6}$/;

async function mountPointsOf(devId: string): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => fields[2] === devId)
    .map((fields) => (fields[4] ?? "").replace(/\\040/g, " "));
}

async function openedByAnyone(devId: string): Promise<boolean> {
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await stat(`/proc/${pid}/fd/${fd}`).catch(() => null);
      if (target?.isBlockDevice() !== true) continue;
      if (deviceId(target.rdev) === devId) return true;
    }
  }
  return false;
}

/** Loop devices (from /sys/block) whose backing file is the same inode as `file`. */
export async function loopsBackedBy(file: string): Promise<LoopAttachment[]> {
  const image = await stat(file, { bigint: true });
  const found: LoopAttachment[] = [];
  const names = await readdir("/sys/block").catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith("loop"))) {
    const sys = `/sys/block/${name}`;
    const backing = await readFile(`${sys}/loop/backing_file`, "utf8").catch(() => null);
    if (backing === null) continue;
    const backed = await stat(backing.trim(), { bigint: true }).catch(() => null);
    if (backed === null || backed.dev !== image.dev || backed.ino !== image.ino) continue;
    const devId = (await readFile(`${sys}/dev`, "utf8")).trim();
    const stacked = (await readdir(`${sys}/holders`).catch(() => [])).length > 0;
    found.push({
      device: `/dev/${name}`,
      devId,
      mountPoints: await mountPointsOf(devId),
      busy: stacked || (await openedByAnyone(devId)),
    });
  }
  return found;
}

/** Loop devices that hold the image: mounted, stacked on or open (an idle attachment writes nothing). */
export async function loopHoldersOf(file: string): Promise<Holder[]> {
  return (await loopsBackedBy(file))
    .filter((loop) => loop.busy || loop.mountPoints.length > 0)
    .map((loop) => ({
      pid: null,
      command: `loop device ${loop.device}${loop.mountPoints.length > 0 ? ` mounted at ${loop.mountPoints.join(", ")}` : ""}`,
      how: "open" as const,
    }));
}

async function isStaleGrowMount(mountPoint: string): Promise<boolean> {
  const match = GROW_MOUNT.exec(path.basename(mountPoint));
  if (match === null || path.dirname(mountPoint) !== os.tmpdir()) return false;
  return !(await isRunningVolplan(Number(match[1])));
}

/**
 * Unmounts and detaches the private grow mounts of `file` that a killed volplan left behind
 * (mounted only at volplan-grow-<pid>-* of a pid that is no longer volplan). Why: that mount
 * keeps the old filesystem size in memory; mounting the image again beside it would corrupt it.
 */
export async function reclaimStaleGrowMounts(file: string, ctx: ApplyContext): Promise<string[]> {
  const reclaimed: string[] = [];
  for (const loop of await loopsBackedBy(file)) {
    if (loop.mountPoints.length === 0) continue;
    const stale = await Promise.all(loop.mountPoints.map(isStaleGrowMount));
    if (!stale.every(Boolean)) continue;
    for (const mountPoint of loop.mountPoints) {
      await ctx.runner("umount", [mountPoint], { timeoutMs: TIMEOUTS.mount });
      await rmdir(mountPoint).catch(() => undefined);
    }
    // A device attached by "mount -o loop" clears itself at the unmount (autoclear); one attached
    // with losetup (older runs) stays until detached.
    const still = (await loopsBackedBy(file)).some((left) => left.device === loop.device);
    if (still) await ctx.runner("losetup", ["-d", loop.device], { timeoutMs: TIMEOUTS.quick });
    reclaimed.push(`${loop.device} (mounted at ${loop.mountPoints.join(", ")})`);
  }
  return reclaimed;
}
