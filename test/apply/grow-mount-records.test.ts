// The records of grow mounts a killed run left (<stateDir>/grow/<pid>-*/target) are read only
// where volplan wrote them: never through a symlink, never from a FIFO, never below a grow
// directory that is itself a symlink. A planted record must not make reclaim detach the loop
// device of an image it never grew.
import { closeSync, constants, openSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeGrowMountPoint, reclaimGrowMounts } from "../../src/apply/grow-mounts.js";
import { deviceId } from "../../src/host/device-id.js";
import { execaRunner } from "../../src/host/runner.js";
import { stateLayout } from "../../src/host/state-layout.js";
import { loopDevicesUnder, releaseLoopsUnder } from "../reliability/fixtures/checks.js";
import { deadPid } from "../reliability/fixtures/mixed-scenario.js";
import { canMount } from "../helpers/privilege.js";

const MiB = 1024 * 1024;

// Opens a FIFO's writing end and closes it, so a reader blocked in open sees end of file.
function unblock(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is reading it
  }
}
const T = { timeout: 60_000 };

describe.runIf(canMount())("grow mount records", () => {
  let work: string;
  let n = 0;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-growrecords-"));
  });
  afterAll(async () => {
    if (work === undefined) return;
    await releaseLoopsUnder(work);
    await rm(work, { recursive: true, force: true });
  });

  // An image attached to a loop device that no grow made (a VM's disk, say), and its "dev:ino".
  async function attachedImage() {
    const dir = path.join(work, `case-${++n}`);
    await mkdir(dir, { recursive: true });
    const image = path.join(dir, "other.img");
    await execa("truncate", ["-s", String(8 * MiB), image], T);
    await execa("losetup", ["--find", "--show", image], T);
    const info = await stat(image);
    return { dir, target: `${deviceId(info.dev)}:${info.ino}\n` };
  }

  it("does not follow a symlinked record to another image's loop device", async () => {
    const other = await attachedImage();
    const growMounts = stateLayout(path.join(other.dir, "state")).growMounts;
    const point = path.join(growMounts, `${await deadPid()}-abcDEF`);
    await mkdir(point, { recursive: true, mode: 0o700 });
    const elsewhere = path.join(other.dir, "elsewhere");
    await writeFile(elsewhere, other.target);
    await symlink(elsewhere, path.join(point, "target"));
    const reclaimed = await reclaimGrowMounts({ growMounts, runner: execaRunner });
    expect(reclaimed).toEqual([]);
    expect(await loopDevicesUnder(other.dir)).toHaveLength(1);
  });

  it("does not block on a FIFO in place of a record", { timeout: 20_000 }, async () => {
    const other = await attachedImage();
    const growMounts = stateLayout(path.join(other.dir, "state")).growMounts;
    const point = path.join(growMounts, `${await deadPid()}-abcDEF`);
    await mkdir(point, { recursive: true, mode: 0o700 });
    const fifo = path.join(point, "target");
    await execa("mkfifo", [fifo], T);
    const reclaim = reclaimGrowMounts({ growMounts, runner: execaRunner });
    const late = new Promise((resolve) => setTimeout(() => resolve("blocked"), 5_000));
    const outcome = await Promise.race([reclaim, late]);
    unblock(fifo);
    expect(outcome).toEqual([]);
  });

  it("refuses a grow directory that is a symlink, for reclaim and for a new mount point", async () => {
    const other = await attachedImage();
    const stateDir = path.join(other.dir, "state");
    const growMounts = stateLayout(stateDir).growMounts;
    const planted = path.join(other.dir, "planted");
    const point = path.join(planted, `${await deadPid()}-abcDEF`);
    await mkdir(point, { recursive: true });
    await writeFile(path.join(point, "target"), other.target);
    await mkdir(stateDir);
    await symlink(planted, growMounts);
    await expect(reclaimGrowMounts({ growMounts, runner: execaRunner })).rejects.toMatchObject({
      code: "STATE_DIR_UNSAFE",
    });
    expect(await loopDevicesUnder(other.dir)).toHaveLength(1);
    await expect(makeGrowMountPoint(growMounts)).rejects.toMatchObject({
      code: "STATE_DIR_UNSAFE",
    });
  });
});
