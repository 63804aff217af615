import { symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { observe } from "../../src/observe/observe.js";
import { desired, haveRoot, run, useTempDir, volume } from "./helpers.js";

const MiB = 1024 * 1024;
const root = haveRoot();
const scratch = useTempDir();

describe("observe: block devices", () => {
  it.skipIf(!root)(
    "reads a loop device's size from sysfs and its superblock (needs root)",
    async () => {
      const backing = join(scratch.dir, "backing.img");
      await writeFile(backing, "");
      await truncate(backing, 24 * MiB);
      await run("mkfs.ext4", ["-F", "-q", "-L", "onloop", backing]);
      const device = (await run("losetup", ["--find", "--show", backing])).trim();
      try {
        const snapshot = await observe(
          desired([
            volume({
              id: "dev",
              kind: "block-device",
              path: device,
              size: 16 * MiB,
              owner: 0,
              group: 0,
            }),
          ]),
        );
        // A udev-style symlink to the device is followed for block-device volumes only.
        const link = join(scratch.dir, "by-id-link");
        await symlink(device, link);
        const viaLink = await observe(
          desired([volume({ id: "dev", kind: "block-device", path: link, size: 16 * MiB })]),
        );
        await symlink(device, join(scratch.dir, "img-link"));
        expect(viaLink.volumes.dev?.entry).toMatchObject({ type: "block-device", size: 24 * MiB });
        const imageViaLink = await observe(
          desired([volume({ id: "img", path: join(scratch.dir, "img-link"), size: 16 * MiB })]),
        );
        expect(imageViaLink.volumes.img?.entry).toEqual({ type: "symlink", target: device });
        expect(snapshot.volumes.dev?.pathProblem).toBeNull();
        expect(snapshot.volumes.dev?.entry).toEqual({
          type: "block-device",
          size: 24 * MiB,
          filesystem: {
            type: "ext4",
            label: "onloop",
            uuid: expect.any(String),
            size: 24 * MiB,
            ext: expect.objectContaining({ errors: false }),
          },
          holders: [],
        });
      } finally {
        await run("losetup", ["-d", device]);
      }
    },
  );
});
