import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deviceId } from "../../src/host/device-id.js";
import { observe } from "../../src/observe/observe.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { IDLER, startPython } from "../helpers/holder-process.js";
import { makeImage } from "../helpers/images.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

// The test's own user and group own the volumes: the directories they own or may write are
// trusted, also when the suite runs unprivileged (as in the package build).
const own = { owner: process.getuid?.() ?? 0, group: process.getgid?.() ?? 0 };

async function observeOne(path: string, size = 16 * MiB) {
  const volume = desiredVolume({ id: "v", path, size, ...own });
  const snapshot = await observe(desiredState({ volumes: [volume] }));
  const observed = snapshot.volumes.v;
  if (observed === undefined) throw new Error("volume v not observed");
  return { snapshot, observed };
}

describe("observe: volume entries", () => {
  it("reads a file's stat, its filesystem and the host filesystem under it", async () => {
    const path = join(scratch.dir, "plain.img");
    await makeImage({ file: path, type: "ext4", size: 16 * MiB, label: "plain" });
    const { snapshot, observed } = await observeOne(path);
    const st = await stat(path);
    expect(observed).toMatchObject({ path, filesystem: deviceId(st.dev), pathProblem: null });
    expect(observed.entry).toMatchObject({
      type: "file",
      size: 16 * MiB,
      allocated: st.blocks * 512,
      uid: st.uid,
      gid: st.gid,
      mode: st.mode & 0o7777,
      ino: st.ino,
      filesystem: { type: "ext4", label: "plain", size: 16 * MiB },
      holders: [],
    });
    const host = snapshot.filesystems[deviceId(st.dev)];
    expect(host?.total).toBeGreaterThan(0);
    expect(host?.free).toBeGreaterThan(0);
    expect(host?.capabilities).toEqual({ sparse: null, reflink: null, fallocate: null });
  });

  it("sees an image grown with truncate whose filesystem was not grown", async () => {
    const path = join(scratch.dir, "grown.img");
    await makeImage({ file: path, type: "ext4", size: 16 * MiB });
    await truncate(path, 32 * MiB);
    const { observed } = await observeOne(path, 32 * MiB);
    expect(observed.entry).toMatchObject({
      type: "file",
      size: 32 * MiB,
      filesystem: { size: 16 * MiB },
    });
  });

  it("reports no filesystem in random bytes", async () => {
    const path = join(scratch.dir, "random.img");
    await writeFile(path, randomBytes(256 * 1024));
    const { observed } = await observeOne(path);
    expect(observed.entry).toMatchObject({ type: "file", size: 256 * 1024, filesystem: null });
  });

  it("reports a symlink at the path with its target, without following it", async () => {
    const path = join(scratch.dir, "link.img");
    await symlink(join(scratch.dir, "plain.img"), path);
    const { observed } = await observeOne(path);
    expect(observed.entry).toEqual({ type: "symlink", target: join(scratch.dir, "plain.img") });
  });

  it("reports a missing image on the filesystem of its parent, and a directory", async () => {
    const { observed } = await observeOne(join(scratch.dir, "absent.img"));
    expect(observed.entry).toEqual({ type: "missing" });
    expect(observed.filesystem).toBe(deviceId((await stat(scratch.dir)).dev));
    await mkdir(join(scratch.dir, "a-scratch.dir.img"));
    expect((await observeOne(join(scratch.dir, "a-scratch.dir.img"))).observed.entry).toEqual({
      type: "directory",
    });
  });
});

describe("observe: path problems", () => {
  it.each([
    {
      name: "symlinked parent",
      setup: async () => {
        await mkdir(join(scratch.dir, "real"), { recursive: true });
        await symlink(join(scratch.dir, "real"), join(scratch.dir, "linked"));
      },
      path: () => join(scratch.dir, "linked", "x.img"),
      want: () => ({ code: "symlinked-parent", at: join(scratch.dir, "linked") }),
    },
    {
      name: "missing parent (the first missing directory)",
      setup: async () => {},
      path: () => join(scratch.dir, "no", "such", "x.img"),
      want: () => ({ code: "parent-missing", at: join(scratch.dir, "no") }),
    },
    {
      name: "parent that is a file",
      setup: () => writeFile(join(scratch.dir, "not-a-dir"), "x"),
      path: () => join(scratch.dir, "not-a-dir", "x.img"),
      want: () => ({ code: "parent-not-directory", at: join(scratch.dir, "not-a-dir") }),
    },
    {
      name: "world-writable parent",
      setup: async () => {
        await mkdir(join(scratch.dir, "open"));
        await chmod(join(scratch.dir, "open"), 0o777);
      },
      path: () => join(scratch.dir, "open", "x.img"),
      want: () => ({ code: "unsafe-parent", at: join(scratch.dir, "open") }),
    },
    {
      name: "sticky world-writable parent",
      setup: async () => {
        await mkdir(join(scratch.dir, "sticky"));
        await chmod(join(scratch.dir, "sticky"), 0o1777);
      },
      path: () => join(scratch.dir, "sticky", "x.img"),
      want: () => ({ code: "unsafe-parent", at: join(scratch.dir, "sticky") }),
    },
    {
      name: "group-writable ancestor",
      setup: async () => {
        await mkdir(join(scratch.dir, "gw", "inner"), { recursive: true });
        await chmod(join(scratch.dir, "gw"), 0o770);
      },
      path: () => join(scratch.dir, "gw", "inner", "x.img"),
      // The volume's own group may write: the test declares the test's own gid as the group.
      want: () => null,
    },
  ])("$name", async ({ setup, path, want }) => {
    await setup();
    const { observed } = await observeOne(path());
    const expected = want();
    if (expected === null) expect(observed.pathProblem).toBeNull();
    else expect(observed.pathProblem).toMatchObject(expected);
  });

  it("flags a group-writable parent of a foreign group", async () => {
    await mkdir(join(scratch.dir, "foreign"));
    await chmod(join(scratch.dir, "foreign"), 0o770);
    // As root the new directory's group is root (trusted); give it a group nobody declared.
    if (process.getuid?.() === 0) await chown(join(scratch.dir, "foreign"), 0, 4242);
    const path = join(scratch.dir, "foreign", "x.img");
    const snapshot = await observe(
      desiredState({ volumes: [desiredVolume({ id: "v", path, owner: own.owner, group: 4343 })] }),
    );
    expect(snapshot.volumes.v?.pathProblem).toMatchObject({
      code: "unsafe-parent",
      at: join(scratch.dir, "foreign"),
    });
  });
});

describe("observe: temp files, seeds, accounts", () => {
  it("finds volplan temp files beside the image and tells live ones from leftovers", async () => {
    const sub = join(scratch.dir, "temps");
    await mkdir(sub);
    const path = join(sub, "root.img");
    const helper = await startPython(IDLER, ["volplan", "apply"]);
    try {
      const dead = join(sub, ".root.img.volplan-tmp-4194305-0badf00d");
      const live = join(sub, `.root.img.volplan-tmp-${helper.pid}-0123abcd`);
      await writeFile(dead, "leftover");
      await writeFile(live, "");
      await writeFile(join(sub, ".other.img.volplan-tmp-1-0123abcd"), "");
      await writeFile(join(sub, ".root.img.volplan-tmp-1-XYZ"), "");
      const { snapshot } = await observeOne(path);
      // Sorted by path.
      const want = [
        { path: dead, volume: "v", size: 8, live: false },
        { path: live, volume: "v", size: 0, live: true },
      ].sort((a, b) => (a.path < b.path ? -1 : 1));
      expect(snapshot.tempFiles).toMatchObject(want);
      expect(snapshot.tempFiles).toHaveLength(2);
    } finally {
      await helper.stop();
    }
  });

  it("follows a seed symlink only to a regular file", async () => {
    const base = join(scratch.dir, "base.img");
    await writeFile(base, randomBytes(8192));
    await symlink(base, join(scratch.dir, "seed-link"));
    await symlink(scratch.dir, join(scratch.dir, "seed-scratch.dir-link"));
    const seeds = [
      base,
      join(scratch.dir, "seed-link"),
      join(scratch.dir, "seed-scratch.dir-link"),
      join(scratch.dir, "seed-missing"),
    ];
    const snapshot = await observe(
      desiredState({
        volumes: seeds.map((from, i) =>
          desiredVolume({ id: `s${i}`, path: join(scratch.dir, `s${i}.img`), seed: { from } }),
        ),
      }),
    );
    const fs = deviceId((await stat(base)).dev);
    expect(snapshot.seeds[base]).toMatchObject({ exists: true, size: 8192, filesystem: fs });
    expect(snapshot.seeds[join(scratch.dir, "seed-link")]).toMatchObject({
      exists: true,
      size: 8192,
    });
    // A link to a directory is reported as what it leads to, never read as an image.
    expect(snapshot.seeds[join(scratch.dir, "seed-scratch.dir-link")]).toMatchObject({
      exists: false,
      what: "a directory",
    });
    expect(snapshot.seeds[join(scratch.dir, "seed-missing")]).toEqual({
      path: join(scratch.dir, "seed-missing"),
      exists: false,
      size: 0,
      allocated: 0,
      filesystem: null,
      foundFilesystem: null,
    });
  });

  it("resolves the user and group names the manifest uses", async () => {
    const etc = join(scratch.dir, "etc");
    await mkdir(etc);
    await writeFile(
      join(etc, "passwd"),
      "root:x:0:0::/root:/bin/sh\nmicrovm:x:997:996::/:/bin/false\n",
    );
    await writeFile(join(etc, "group"), "root:x:0:\nkvm:x:78:microvm\n");
    const v = desiredVolume({
      id: "v",
      path: join(scratch.dir, "acct.img"),
      owner: "microvm",
      group: "kvm",
    });
    const snapshot = await observe(desiredState({ volumes: [v] }), { etcDir: etc });
    expect(snapshot.users).toEqual({ microvm: 997 });
    expect(snapshot.groups).toEqual({ kvm: 78 });
  });
});
