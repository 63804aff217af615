// Images are opened only when their directory lists them as regular files; the rest go by lstat.
import { mkdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { HostReader } from "../../src/observe/host-reader.js";
import { syncReader } from "../../src/observe/sync-reader.js";
import { observe } from "../../src/observe/observe.js";
import type { Snapshot } from "../../src/plan/snapshot.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { makeImage } from "../helpers/images.js";
import { run } from "../helpers/run.js";
import { tempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
let images: string;

beforeAll(async () => {
  images = join(await tempDir("volplan-observe-"), "images");
  await mkdir(images);
  const file = join(images, "file.img");
  await makeImage({ file, type: "ext4", size: 16 * MiB, label: "listed" });
  await writeFile(join(images, "empty.img"), "");
  await run("mkfifo", [join(images, "fifo.img")]);
  await symlink(file, join(images, "link.img"));
  await symlink("/dev/zero", join(images, "device-link.img"));
  await mkdir(join(images, "dir.img"));
  await writeFile(join(images, ".file.img.volplan-tmp-4194305-0badf00d"), "partial");
});

const names = ["file", "empty", "fifo", "link", "device-link", "dir", "missing"];

function manifest() {
  return desiredState({
    volumes: names.map((name) => desiredVolume({ id: name, path: join(images, `${name}.img`) })),
  });
}

// A HostReader that records which paths were opened (either way) and lstat'ed.
function recording(host: HostReader, lie: ReadonlySet<string> = new Set()) {
  const opened: string[] = [];
  const lstated: string[] = [];
  const spy: HostReader = {
    ...host,
    lstat: (path) => (lstated.push(path), host.lstat(path)),
    openRegularFile: (path) => (opened.push(path), host.openRegularFile(path)),
    probeSuperblock: (input) => (opened.push(input.path), host.probeSuperblock(input)),
    // A stale listing: names in `lie` are claimed to be regular files.
    listDirectory: (path) => {
      const listing = host.listDirectory(path);
      if (listing === null) return null;
      const copy = new Map(listing);
      for (const name of lie) if (copy.has(name)) copy.set(name, true);
      return copy;
    },
  };
  return { spy, opened, lstated };
}

describe("observe: opening images", () => {
  it("opens only listed regular files, with one stat each", async () => {
    const { spy, opened, lstated } = recording(syncReader);
    const snapshot = await observe(manifest(), { host: spy });
    const at = (name: string) => join(images, `${name}.img`);
    expect(opened.filter((path) => path.startsWith(images)).sort()).toEqual(
      [at("empty"), at("file")].sort(),
    );
    // The opened descriptor's fstat is the image's only stat.
    expect(lstated).not.toContain(at("file"));
    expect(lstated).not.toContain(at("empty"));
    const st = await stat(at("file"));
    expect(snapshot.volumes.file?.entry).toMatchObject({
      type: "file",
      size: 16 * MiB,
      allocated: st.blocks * 512,
      ino: st.ino,
      nlink: 1,
      mode: st.mode & 0o7777,
      filesystem: { type: "ext4", label: "listed" },
    });
    expect(snapshot.volumes.empty?.entry).toMatchObject({
      type: "file",
      size: 0,
      filesystem: null,
    });
    expect(snapshot.volumes.fifo?.entry).toEqual({ type: "other", detail: "a FIFO" });
    expect(snapshot.volumes.link?.entry).toEqual({ type: "symlink", target: at("file") });
    expect(snapshot.volumes["device-link"]?.entry).toEqual({
      type: "symlink",
      target: "/dev/zero",
    });
    expect(snapshot.volumes.dir?.entry).toEqual({ type: "directory" });
    expect(snapshot.volumes.missing?.entry).toEqual({ type: "missing" });
    expect(snapshot.tempFiles).toMatchObject([{ volume: "file", size: 7 }]);
  });

  it("falls back to lstat when a name listed as a regular file is not one when opened", async () => {
    // Non-blocking open: a FIFO swapped in after the listing neither hangs observe nor counts.
    const { spy, lstated } = recording(syncReader, new Set(["fifo.img", "link.img"]));
    const snapshot = await observe(manifest(), { host: spy });
    expect(lstated).toContain(join(images, "fifo.img"));
    expect(lstated).toContain(join(images, "link.img"));
    expect(snapshot.volumes.fifo?.entry).toEqual({ type: "other", detail: "a FIFO" });
    expect(snapshot.volumes.link?.entry).toEqual({
      type: "symlink",
      target: join(images, "file.img"),
    });
    // Free space is left out: other processes write to the same filesystem meanwhile.
    expect(withoutFree(snapshot)).toEqual(withoutFree(await observe(manifest())));
  });
});

function withoutFree(snapshot: Snapshot): Snapshot {
  const filesystems = Object.fromEntries(
    Object.entries(snapshot.filesystems).map(([id, fs]) => [id, { ...fs, free: 0 }]),
  );
  return { ...snapshot, filesystems };
}
