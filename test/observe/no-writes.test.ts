import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprintSnapshot } from "../../src/planfile/fingerprint.js";
import { observe } from "../../src/observe/observe.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { makeImage } from "../helpers/images.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { treeState } from "../helpers/tree-state.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

describe("observe", () => {
  it("writes nothing: every file keeps its stat and contents", async () => {
    const images = join(scratch.dir, "images");
    await mkdir(images);
    const paths = ["a.img", "b.img", "c.img"].map((name) => join(images, name));
    for (const path of paths) await makeImage({ file: path, type: "ext4", size: 16 * MiB });
    await writeFile(join(images, ".a.img.volplan-tmp-4194305-0badf00d"), "partial");
    await symlink(paths[0] ?? "", join(images, "link.img"));
    const volumes = [
      ...paths.map((path, i) => desiredVolume({ id: `v${i}`, path, size: 32 * MiB })),
      desiredVolume({ id: "link", path: join(images, "link.img") }),
      desiredVolume({
        id: "missing",
        path: join(images, "missing.img"),
        seed: { from: paths[1] ?? "" },
      }),
    ];
    const before = await treeState(scratch.dir);
    const first = await observe(desiredState({ volumes }));
    const second = await observe(desiredState({ volumes }));
    expect(await treeState(scratch.dir)).toEqual(before);
    expect(fingerprintSnapshot(second)).toBe(fingerprintSnapshot(first));
    expect(first.tempFiles).toHaveLength(1);
  });
});
