// Loop devices and the files behind them (/sys/block/loopN): an image attached to one is in use
// while the device is mounted, stacked on or open.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { mountPointsOf } from "./mountinfo.js";
import type { Mount } from "./mountinfo.js";
import type { OpenFiles } from "./open-files.js";

/** One loop device whose backing file is a given image. */
export interface LoopAttachment {
  /** /dev/loopN. */
  readonly device: string;
  /** "major:minor" of the loop device. */
  readonly id: string;
  readonly mountPoints: readonly string[];
  /** Something stacks on it (a partition, device-mapper) or a process has it open. */
  readonly busy: boolean;
}

/** A loop device as sysfs describes it, before mounts and openers are looked up. */
interface LoopEntry {
  readonly device: string;
  readonly id: string;
  /** "dev:ino" of the backing file (looked up by the name the kernel recorded). */
  readonly backing: string;
  readonly stacked: boolean;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

// The kernel records the backing file's name at attach time; stat says whether that name is
// still the same inode, which is how an attachment is matched to an image (never by name alone).
function listLoops(sysRoot: string): LoopEntry[] {
  let names: string[];
  try {
    names = readdirSync(`${sysRoot}/block`).filter((name) => name.startsWith("loop"));
  } catch {
    return [];
  }
  const loops: LoopEntry[] = [];
  for (const name of names) {
    const sys = `${sysRoot}/block/${name}`;
    const backing = readOrNull(`${sys}/loop/backing_file`)?.trim();
    if (backing === undefined || backing === "") continue;
    let target;
    try {
      target = statSync(backing, { bigint: true });
    } catch {
      continue; // the backing file was deleted or renamed: not any image's name now
    }
    let holders: string[] = [];
    try {
      holders = readdirSync(`${sys}/holders`);
    } catch {
      // no holders directory: nothing stacks on it
    }
    loops.push({
      device: `/dev/${name}`,
      id: readOrNull(`${sys}/dev`)?.trim() ?? "",
      backing: `${target.dev}:${target.ino}`,
      stacked: holders.length > 0,
    });
  }
  return loops;
}

/** The loop devices of one run, listed once; queried by the image's dev and ino. */
export class LoopDevices {
  readonly #loops: readonly LoopEntry[];

  constructor(sysRoot = "/sys") {
    this.#loops = listLoops(sysRoot);
  }

  /** Whether any loop device is attached at all (most hosts running VMs have none). */
  get empty(): boolean {
    return this.#loops.length === 0;
  }

  /** Loop devices whose backing file is dev:ino, with their mounts and whether they are busy. */
  backedBy(input: {
    dev: number | bigint;
    ino: number | bigint;
    mounts: readonly Mount[];
    openFiles: OpenFiles;
  }): LoopAttachment[] {
    const key = `${input.dev}:${input.ino}`;
    return this.#loops
      .filter((loop) => loop.backing === key)
      .map((loop) => ({
        device: loop.device,
        id: loop.id,
        mountPoints: mountPointsOf(input.mounts, { id: loop.id, path: loop.device }),
        busy: loop.stacked || input.openFiles.deviceOpen(loop.id),
      }));
  }
}
