// The descriptor scan of one run: one pass over /proc/PID/fd, then only processes that appeared.
import { mkdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OpenFiles } from "../../src/host/open-files.js";
import { tempDir } from "../helpers/temp-dir.js";

function pidsOf(scan: OpenFiles, dev: bigint, ino: bigint): number[] {
  return scan
    .holdersOf(dev, ino)
    .map((hold) => hold.pid)
    .sort((a, b) => a - b);
}

describe("OpenFiles", () => {
  let dir = "";
  let proc = "";
  let image = "";
  beforeAll(async () => {
    dir = await tempDir("volplan-fdscan-");
    proc = path.join(dir, "proc");
    image = path.join(dir, "image.img");
    await writeFile(image, "x");
    await writeFile(path.join(dir, "other"), "y");
  });

  // A fake /proc/PID/fd/N: a symlink to the file, which stat follows like the kernel's magic link.
  async function openIn(pid: number, fd: number, file: string): Promise<void> {
    await mkdir(path.join(proc, String(pid), "fd"), { recursive: true });
    await symlink(file, path.join(proc, String(pid), "fd", String(fd)));
  }

  it("scans every process once, then only new ones, and forgets exited ones", async () => {
    await openIn(100, 3, path.join(dir, "other"));
    await openIn(200, 4, image);
    await mkdir(path.join(proc, "self"), { recursive: true });
    const { dev, ino } = await stat(image, { bigint: true });
    const scan = new OpenFiles(proc);
    expect(pidsOf(scan, dev, ino)).toEqual([200]);
    // A process already scanned is not read again within the run (the /proc/locks read covers it)…
    await openIn(100, 5, image);
    expect(pidsOf(scan, dev, ino)).toEqual([200]);
    // …a new process is,
    await openIn(300, 6, image);
    expect(pidsOf(scan, dev, ino)).toEqual([200, 300]);
    // and one that exited is dropped.
    await rm(path.join(proc, "200"), { recursive: true });
    expect(pidsOf(scan, dev, ino)).toEqual([300]);
    // A fresh scan (the next run) sees everything.
    expect(pidsOf(new OpenFiles(proc), dev, ino)).toEqual([100, 300]);
  });
});
