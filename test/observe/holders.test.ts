import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeHolds } from "../../src/host/holders.js";
import { observe } from "../../src/observe/observe.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { OFD_LOCKER, OPENER, startPython } from "../helpers/holder-process.js";
import { makeImage } from "../helpers/images.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

async function image(name: string): Promise<string> {
  const path = join(scratch.dir, name);
  await makeImage({ file: path, type: "ext4", size: 16 * MiB });
  return path;
}

describe("observe: images in use", () => {
  it("names the process holding an OFD lock on an image a plan may grow", async () => {
    const path = await image("locked.img");
    const helper = await startPython(OFD_LOCKER, [path]);
    try {
      // Declared larger than the file: a candidate, so open descriptors are scanned too.
      const snapshot = await observe(
        desiredState({ volumes: [desiredVolume({ id: "v", path, size: 32 * MiB })] }),
      );
      const entry = snapshot.volumes.v?.entry;
      expect(entry?.type === "file" ? entry.holders : null).toEqual([
        { pid: helper.pid, command: expect.stringMatching(/^python/), how: "ofd-lock" },
      ]);
    } finally {
      await helper.stop();
    }
  });

  it("sees the OFD lock of an unchanged image from /proc/locks alone", async () => {
    const path = await image("locked-same.img");
    const helper = await startPython(OFD_LOCKER, [path]);
    try {
      const snapshot = await observe(
        desiredState({ volumes: [desiredVolume({ id: "v", path, size: 16 * MiB })] }),
      );
      const entry = snapshot.volumes.v?.entry;
      const holders = entry?.type === "file" ? entry.holders : [];
      expect(holders).toHaveLength(1);
      expect(holders[0]?.how).toBe("ofd-lock");
      // Kernels print the owner's pid, or -1 for OFD locks (then unknown without the fd scan).
      expect([helper.pid, null]).toContain(holders[0]?.pid);
    } finally {
      await helper.stop();
    }
  });

  it('looks up holders of images a plan may write only, with holders: "writable"', async () => {
    const same = await image("locked-writable-same.img");
    const grow = await image("locked-writable-grow.img");
    const helpers = [await startPython(OFD_LOCKER, [same]), await startPython(OFD_LOCKER, [grow])];
    try {
      const volumes = [
        desiredVolume({ id: "same", path: same, size: 16 * MiB }),
        desiredVolume({ id: "grow", path: grow, size: 32 * MiB }),
      ];
      const snapshot = await observe(desiredState({ volumes: volumes }), { holders: "writable" });
      const holdersOf = (id: string) => {
        const entry = snapshot.volumes[id]?.entry;
        return entry?.type === "file" ? entry.holders : null;
      };
      expect(holdersOf("same")).toEqual([]);
      expect(holdersOf("grow")).toEqual([
        { pid: helpers[1]?.pid, command: expect.stringMatching(/^python/), how: "ofd-lock" },
      ]);
    } finally {
      for (const helper of helpers) await helper.stop();
    }
  });

  it("reports an open descriptor without a lock only for images a plan may write", async () => {
    const grow = await image("open-grow.img");
    const same = await image("open-same.img");
    const helpers = [await startPython(OPENER, [grow]), await startPython(OPENER, [same])];
    try {
      const snapshot = await observe(
        desiredState({
          volumes: [
            desiredVolume({ id: "grow", path: grow, size: 32 * MiB }),
            desiredVolume({ id: "same", path: same, size: 16 * MiB }),
          ],
        }),
      );
      const holdersOf = (id: string) => {
        const entry = snapshot.volumes[id]?.entry;
        return entry?.type === "file" ? entry.holders : null;
      };
      expect(holdersOf("grow")).toEqual([
        { pid: helpers[0]?.pid, command: expect.stringMatching(/^python/), how: "open" },
      ]);
      expect(holdersOf("same")).toEqual([]);
    } finally {
      for (const helper of helpers) await helper.stop();
    }
  });
});

describe("mergeHolds", () => {
  const image = { ino: 7, devices: ["8:1"] };
  const lock = (pid: number | null, how: "ofd-lock" | "posix-lock" | "flock" = "ofd-lock") => ({
    how,
    pid,
    device: "8:1",
    ino: 7,
  });

  it.each([
    { name: "no locks, nothing open", locks: [], open: [], want: [] },
    {
      name: "pid-less OFD lock stays unknown",
      locks: [lock(null)],
      open: [],
      want: [{ pid: null, how: "ofd-lock" }],
    },
    {
      name: "pid-less OFD lock named by the fd scan",
      locks: [lock(null)],
      open: [{ pid: 42, how: "ofd-lock" as const }],
      want: [{ pid: 42, how: "ofd-lock" }],
    },
    {
      name: "a locker's open descriptor is not listed twice",
      locks: [lock(42, "posix-lock")],
      open: [{ pid: 42, how: "open" as const }],
      want: [{ pid: 42, how: "posix-lock" }],
    },
    {
      name: "locks on another inode or device are ignored",
      locks: [
        { ...lock(1), ino: 8 },
        { ...lock(2), device: "8:2" },
      ],
      open: [],
      want: [],
    },
  ])("$name", ({ locks, open, want }) => {
    expect(mergeHolds({ image, locks, open })).toEqual(want);
  });
});
