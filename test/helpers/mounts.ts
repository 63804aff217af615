// Real filesystems for tests: a size-limited tmpfs and loop-mounted ext4, xfs and btrfs, each torn
// down by its cleanup(). Callers check canMount() (./privilege.ts) first.
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { deviceId } from "../../src/host/device-id.js";
import { tempDir } from "./temp-dir.js";

/** A mounted test filesystem. */
export interface TestFs {
  readonly mountPoint: string;
  /** Device id "major:minor" as volplan names filesystems. */
  readonly id: string;
  cleanup(): Promise<void>;
}

const T = { timeout: 120_000 };

/** Device id of a mounted directory. */
export async function idOf(dir: string): Promise<string> {
  return deviceId((await stat(dir)).dev);
}

/** Mounts a tmpfs of `size` bytes (root mode 0755: volplan refuses world-writable parents). */
export async function mountTmpfs(size: number): Promise<TestFs> {
  const mountPoint = await tempDir("volplan-tmpfs-");
  await execa("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", mountPoint], T);
  return {
    mountPoint,
    id: await idOf(mountPoint),
    cleanup: async () => {
      await execa("umount", [mountPoint], T);
      await rm(mountPoint, { recursive: true, force: true });
    },
  };
}

/** Makes a sparse backing file, formats it with `type`, attaches it with losetup --find --show and mounts it. */
export async function mountLoopFs(type: "ext4" | "xfs" | "btrfs", size: number): Promise<TestFs> {
  const work = await tempDir(`volplan-${type}-`);
  const backing = path.join(work, "backing.img");
  const mountPoint = path.join(work, "mnt");
  let device: string | null = null;
  let mounted = false;
  const cleanup = async (): Promise<void> => {
    if (mounted) await execa("umount", [mountPoint], T);
    mounted = false;
    if (device !== null) await execa("losetup", ["-d", device], T);
    device = null;
    await rm(work, { recursive: true, force: true });
  };
  try {
    await execa("truncate", ["-s", String(size), backing], T);
    const mkfs = type === "ext4" ? ["mkfs.ext4", "-F", "-q"] : [`mkfs.${type}`, "-f", "-q"];
    await execa(mkfs[0]!, [...mkfs.slice(1), backing], T);
    device = (await execa("losetup", ["--find", "--show", backing], T)).stdout.trim();
    await mkdir(mountPoint);
    await execa("mount", [device, mountPoint], T);
    mounted = true;
    return { mountPoint, id: await idOf(mountPoint), cleanup };
  } catch (error) {
    // The first failure is the one to report; a mount cleanup leaves behind fails the test file
    // anyway (./temp-dir.ts will not remove a directory with a mount below it).
    await cleanup().catch(() => undefined);
    throw error;
  }
}
