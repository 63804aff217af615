import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { observe } from "../../src/observe/observe.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { makeImage } from "../helpers/images.js";
import { haveRoot } from "../helpers/privilege.js";
import { run } from "../helpers/run.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
const root = haveRoot();
const scratch = useTempDir();

describe("observe: block devices", () => {
  it.skipIf(!root)(
    "reads a loop device's size from sysfs and its superblock (needs root)",
    async () => {
      const backing = join(scratch.dir, "backing.img");
      await makeImage({ file: backing, type: "ext4", size: 24 * MiB, label: "onloop" });
      const device = (await run("losetup", ["--find", "--show", backing])).trim();
      try {
        const snapshot = await observe(
          desiredState({
            volumes: [
              desiredVolume({
                id: "dev",
                kind: "block-device",
                path: device,
                size: 16 * MiB,
                owner: 0,
                group: 0,
              }),
            ],
          }),
        );
        // A udev-style symlink to the device is followed for block-device volumes only.
        const link = join(scratch.dir, "by-id-link");
        await symlink(device, link);
        const viaLink = await observe(
          desiredState({
            volumes: [
              desiredVolume({ id: "dev", kind: "block-device", path: link, size: 16 * MiB }),
            ],
          }),
        );
        await symlink(device, join(scratch.dir, "img-link"));
        expect(viaLink.volumes.dev?.entry).toMatchObject({ type: "block-device", size: 24 * MiB });
        const imageViaLink = await observe(
          desiredState({
            volumes: [
              desiredVolume({ id: "img", path: join(scratch.dir, "img-link"), size: 16 * MiB }),
            ],
          }),
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
