// xfs/btrfs growth attaches the loop device from volplan's own descriptor and mounts it only when
// the kernel's record of the backing inode is the image volplan checked: the owner of an image
// directory (trusted for that directory only) cannot steer root to mount another VM's image.
import { chown, mkdir, readdir, rename, stat, symlink } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import { execaRunner } from "../../src/host/runner.js";
import type { Runner } from "../../src/host/runner.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import { desiredState } from "../helpers/desired.js";
import { fsSize, makeImage } from "../helpers/images.js";
import { mountLoopFs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
const T = { timeout: 120_000 };

describe.skipIf(!canMount())("growth through a loop device", () => {
  let host: TestFs;
  let desired: DesiredState;
  beforeAll(async () => {
    host = await mountLoopFs("ext4", 1024 * MiB);
    desired = desiredState({ volumes: [], stateDir: path.join(host.mountPoint, "state") });
    await mkdir(desired.stateDir);
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  it("refuses an image name swapped for a symlink to another image while it is attached", async () => {
    // The image directory belongs to nobody; another VM's image sits in a root-only directory.
    const vms = path.join(host.mountPoint, "vms");
    const privateDir = path.join(host.mountPoint, "private");
    await mkdir(vms, { mode: 0o755 });
    await chown(vms, 65534, 65534);
    await mkdir(privateDir, { mode: 0o700 });
    const image = path.join(vms, "a.img");
    const other = path.join(privateDir, "other.img");
    for (const file of [image, other]) {
      await makeImage({ file, type: "xfs", size: 320 * MiB });
    }
    await execa("truncate", ["-s", String(512 * MiB), image], T);
    const otherBefore = { size: (await stat(other)).size, fs: await fsSize(other, "xfs") };
    // losetup turns the descriptor path it is given into the image's name and opens that name;
    // the directory's owner swaps the name for a symlink in between. This runner plays that race
    // as the attacker wins it: swap, then losetup opens the name.
    const runner: Runner = async (command, args, options) => {
      if (command === "losetup" && args[0] === "--find") {
        expect(args[2]).toMatch(/^\/proc\/\d+\/fd\/\d+$/);
        await rename(image, path.join(vms, "a.real"));
        await symlink(other, image);
        return execaRunner(command, [...args.slice(0, 2), image], options);
      }
      return execaRunner(command, args, options);
    };
    const plan = planOf([
      {
        kind: "grow-filesystem",
        volume: "vm/a",
        path: image,
        reason: "filesystem smaller than image",
        consumes: { filesystem: host.id, bytes: 0 },
        fs_type: "xfs",
        from: 320 * MiB,
        to: 512 * MiB,
        method: "loop-mount",
      },
    ]);
    const report = await applyPlan({ plan, desired, options: { runner } });
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["failed", "PATH_SWAPPED"],
    ]);
    // The other image was neither grown nor left attached or mounted.
    expect({ size: (await stat(other)).size, fs: await fsSize(other, "xfs") }).toEqual(otherBefore);
    expect((await execa("losetup", ["-j", other], T)).stdout).toBe("");
    expect((await execa("losetup", ["-j", path.join(vms, "a.real")], T)).stdout).toBe("");
    expect(await readdir(path.join(desired.stateDir, "grow"))).toEqual([]);
    const mounts = await execa("findmnt", ["-rn", "-o", "TARGET"], T);
    expect(mounts.stdout).not.toContain(desired.stateDir);
  });
});
