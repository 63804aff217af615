import { mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import type { Runner } from "../../src/host/runner.js";
import { CommandError, execaRunner } from "../../src/host/runner.js";
import type { CreateAction } from "../../src/plan/types.js";
import { blkid } from "../helpers/blkid.js";
import { desiredState } from "../helpers/desired.js";
import { mountLoopFs, mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { createAction, planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
// apply reads only the state directory from the desired state, and none of these plans uses it.
const desired = desiredState({ volumes: [] });

describe.skipIf(!canMount())("create on real filesystems", () => {
  let ext4: TestFs;
  let tmpfs: TestFs;
  beforeAll(async () => {
    ext4 = await mountLoopFs("ext4", 1024 * MiB);
    tmpfs = await mountTmpfs(256 * MiB);
  });
  afterAll(async () => {
    await ext4?.cleanup();
    await tmpfs?.cleanup();
  });

  const formats = [
    ["ext2", 64 * MiB, "ext2"],
    ["ext3", 64 * MiB, "ext3"],
    ["ext4", 64 * MiB, "ext4"],
    ["xfs", 320 * MiB, "xfs"],
    ["btrfs", 128 * MiB, "btrfs"],
    ["vfat", 64 * MiB, "vfat"],
    ["swap", 64 * MiB, "swap"],
  ] as const;

  it.each(formats)(
    "creates a %s image that blkid recognizes, with owner and mode, and no temp file left",
    async (type, size, blkType) => {
      const file = path.join(ext4.mountPoint, `${type}.img`);
      const label = type === "vfat" ? "VFATLBL" : `lbl-${type}`;
      const action = createAction({
        path: file,
        filesystem: ext4.id,
        size,
        volume: `vm/${type}`,
        format: { type, label, uuid: null, mkfs_args: [] },
        ownership: { uid: 1234, gid: 5678, mode: "0660" },
      });
      const report = await applyPlan({ plan: planOf([action]), desired });
      expect(report.results[0]).toMatchObject({ status: "done", kind: "create" });
      const info = await stat(file);
      expect(info.size).toBe(size);
      expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([1234, 5678, 0o660]);
      expect(await blkid(file)).toMatchObject({ TYPE: blkType, LABEL: label });
      expect(
        (await readdir(ext4.mountPoint)).filter((name) => name.includes("volplan-tmp")),
      ).toEqual([]);
    },
  );

  it("creates a raw image (format none) with no signature", async () => {
    const file = path.join(ext4.mountPoint, "raw.img");
    const report = await applyPlan({
      plan: planOf([createAction({ path: file, filesystem: ext4.id, size: 8 * MiB })]),
      desired,
    });
    expect(report.totals.done).toBe(1);
    expect((await stat(file)).size).toBe(8 * MiB);
    expect(await blkid(file)).toEqual({});
  });

  // Only a zero-filled image is written byte by byte, and so reports how far it got.
  it.each([
    ["sparse", 0, 1 * MiB, undefined],
    ["preallocate", 32 * MiB, 33 * MiB, undefined],
    ["zero", 32 * MiB, 33 * MiB, 32 * MiB],
  ] as const)("allocates a %s image as declared", async (allocation, min, max, written) => {
    const file = path.join(ext4.mountPoint, `alloc-${allocation}.img`);
    const progress: number[] = [];
    const report = await applyPlan({
      plan: planOf([createAction({ path: file, filesystem: ext4.id, size: 32 * MiB, allocation })]),
      desired,
      options: { onProgress: (event) => progress.push(event.done) },
    });
    expect(report.results[0]?.status).toBe("done");
    const allocated = (await stat(file)).blocks * 512;
    expect(allocated).toBeGreaterThanOrEqual(min);
    expect(allocated).toBeLessThanOrEqual(max);
    expect(progress.at(-1)).toBe(written);
  });

  it.each([
    ["ext2", "preallocate"],
    ["ext3", "zero"],
    ["ext4", "preallocate"],
    ["ext4", "zero"],
  ] as const)(
    "keeps a %s image (%s) allocated: mkfs punches no holes into it",
    async (type, allocation) => {
      const file = path.join(ext4.mountPoint, `dense-${type}-${allocation}.img`);
      const action = createAction({
        path: file,
        filesystem: ext4.id,
        size: 64 * MiB,
        allocation,
        format: { type, label: null, uuid: null, mkfs_args: [] },
      });
      const report = await applyPlan({ plan: planOf([action]), desired });
      expect(report.results[0]?.status).toBe("done");
      expect((await stat(file)).blocks * 512).toBeGreaterThanOrEqual(64 * MiB);
      expect(await blkid(file)).toMatchObject({ TYPE: type });
    },
  );

  it("says what EFBIG means when a file is larger than the host filesystem holds, and leaves no temp file", async () => {
    const dir = path.join(ext4.mountPoint, "efbig");
    await mkdir(dir);
    const action = createAction({
      path: path.join(dir, "huge.img"),
      filesystem: ext4.id,
      size: 17 * 1024 ** 4,
    });
    const report = await applyPlan({ plan: planOf([action]), desired });
    expect(report.results[0]).toMatchObject({
      status: "failed",
      error: { code: "FILE_TOO_LARGE" },
    });
    expect(report.results[0]?.error?.message).toContain("cannot hold a file this large");
    expect(await readdir(dir)).toEqual([]);
  });

  it("preallocates on tmpfs", async () => {
    const file = path.join(tmpfs.mountPoint, "pre.img");
    const report = await applyPlan({
      plan: planOf([
        createAction({
          path: file,
          filesystem: tmpfs.id,
          size: 16 * MiB,
          allocation: "preallocate",
        }),
      ]),
      desired,
    });
    expect(report.results[0]).toMatchObject({ status: "done" });
    expect(report.results[0]?.note).toBeUndefined();
    expect((await stat(file)).blocks * 512).toBeGreaterThanOrEqual(16 * MiB);
  });

  it("falls back to sparse with a note where fallocate is not supported", async () => {
    const file = path.join(tmpfs.mountPoint, "fallback.img");
    const runner: Runner = (file_, args, options) =>
      file_ === "fallocate"
        ? Promise.reject(
            new CommandError({
              code: "COMMAND_FAILED",
              file: file_,
              args,
              exitCode: 1,
              stderr: "fallocate: fallocate failed: Operation not supported",
            }),
          )
        : execaRunner(file_, args, options);
    const action: CreateAction = createAction({
      path: file,
      filesystem: tmpfs.id,
      size: 16 * MiB,
      allocation: "preallocate",
      format: { type: "ext4", label: null, uuid: null, mkfs_args: [] },
    });
    const report = await applyPlan({
      plan: planOf([action]),
      desired,
      options: { runner },
    });
    expect(report.results[0]).toMatchObject({ status: "done" });
    expect(report.results[0]?.note).toMatch(/preallocate not supported.*created sparse/);
    expect((await stat(file)).blocks * 512).toBeLessThan(8 * MiB);
    expect(await blkid(file)).toMatchObject({ TYPE: "ext4" });
  });

  it("removes the temp file and reports when mkfs fails", async () => {
    const dir = path.join(tmpfs.mountPoint, "mkfs-fails");
    await mkdir(dir);
    const file = path.join(dir, "bad.img");
    const action = createAction({
      path: file,
      filesystem: tmpfs.id,
      size: 16 * MiB,
      format: {
        type: "ext4",
        label: null,
        uuid: null,
        mkfs_args: ["-O", "volplan_no_such_feature"],
      },
    });
    const report = await applyPlan({ plan: planOf([action]), desired });
    expect(report.results[0]).toMatchObject({
      status: "failed",
      error: { code: "COMMAND_FAILED" },
    });
    expect(report.results[0]?.error?.message).toContain("mkfs.ext4");
    expect(await readdir(dir)).toEqual([]);
  });

  it("records every command through an injected runner", async () => {
    const calls: string[] = [];
    const runner: Runner = (file_, args, options) => {
      calls.push(file_);
      return execaRunner(file_, args, options);
    };
    const file = path.join(tmpfs.mountPoint, "recorded.img");
    const action = createAction({
      path: file,
      filesystem: tmpfs.id,
      size: 16 * MiB,
      format: { type: "ext4", label: null, uuid: null, mkfs_args: [] },
    });
    await applyPlan({ plan: planOf([action]), desired, options: { runner } });
    expect(calls).toEqual(["mkfs.ext4"]);
  });
});
