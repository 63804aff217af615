import { execa } from "execa";
import { lstat, mkdir, readFile, readdir, readlink, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { extractTarball } from "../../src/artifacts/extract.js";
import {
  makeKexecTarball,
  paxRecords,
  writeTarGz,
  type TarSpec,
  type Tarball,
} from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

let kexec: Tarball;
let work: string;

beforeAll(async () => {
  kexec = await makeKexecTarball(1);
});

beforeEach(async () => {
  work = await tempDir("volplan-extract-");
});

async function archive(name: string, body: Buffer): Promise<string> {
  const file = path.join(work, name);
  await writeFile(file, body);
  return file;
}

async function refuses(entries: TarSpec[], pattern: RegExp): Promise<void> {
  const file = await archive("bad.tar.gz", writeTarGz(entries));
  const to = path.join(work, "out");
  await expect(extractTarball({ archive: file, to })).rejects.toThrow(pattern);
  await expect(lstat(to)).rejects.toThrow(/ENOENT/);
}

describe("extract", () => {
  it("extracts the kexec layout with modes masked to 0755/0644", async () => {
    const file = await archive("k.tar.gz", kexec.body);
    const to = path.join(work, "tree");
    const summary = await extractTarball({ archive: file, to });
    expect(summary.files).toBe(5);
    expect((await readdir(path.join(to, "kexec"))).sort()).toEqual([
      "bzImage",
      "initrd",
      "ip",
      "kexec",
      "run",
    ]);
    expect((await stat(path.join(to, "kexec", "run"))).mode & 0o7777).toBe(0o755);
    expect((await stat(path.join(to, "kexec", "bzImage"))).mode & 0o7777).toBe(0o644);
    const reference = path.join(work, "reference");
    await mkdir(reference);
    await execa("tar", ["-C", reference, "-xzf", file], { timeout: 60_000 });
    for (const name of ["bzImage", "initrd", "ip", "kexec", "run"]) {
      const ours = await readFile(path.join(to, "kexec", name));
      expect(ours.equals(await readFile(path.join(reference, "kexec", name)))).toBe(true);
    }
  });

  it("gives two independent trees when run twice (kexec/run appends to initrd)", async () => {
    const file = await archive("k.tar.gz", kexec.body);
    const [a, b] = [path.join(work, "a"), path.join(work, "b")];
    await extractTarball({ archive: file, to: a });
    await extractTarball({ archive: file, to: b });
    const initrdB = await readFile(path.join(b, "kexec", "initrd"));
    await writeFile(path.join(a, "kexec", "initrd"), "appended", { flag: "a" });
    expect((await readFile(path.join(b, "kexec", "initrd"))).equals(initrdB)).toBe(true);
    expect((await readFile(file)).equals(kexec.body)).toBe(true);
    expect((await lstat(path.join(a, "kexec", "initrd"))).ino).not.toBe(
      (await lstat(path.join(b, "kexec", "initrd"))).ino,
    );
  });

  it("refuses a target that exists and is not empty, and accepts an empty one", async () => {
    const file = await archive("k.tar.gz", kexec.body);
    const full = path.join(work, "full");
    await mkdir(full);
    await writeFile(path.join(full, "keep"), "x");
    await expect(extractTarball({ archive: file, to: full })).rejects.toThrow(
      /not an empty directory/,
    );
    expect(await readdir(full)).toEqual(["keep"]);
    const empty = path.join(work, "empty");
    await mkdir(empty);
    await extractTarball({ archive: file, to: empty });
    expect(await readdir(empty)).toEqual(["kexec"]);
  });

  it("refuses a ../ entry and removes what it extracted", async () => {
    await refuses(
      [
        { name: "kexec/", type: "dir" },
        { name: "kexec/run", type: "file", body: Buffer.from("ok") },
        { name: "kexec/../../evil", type: "file", body: Buffer.from("evil") },
      ],
      /contains "\.\."/,
    );
    await expect(lstat(path.join(work, "evil"))).rejects.toThrow(/ENOENT/);
  });

  it("applies pax path overrides before checking them", async () => {
    await refuses(
      [
        { name: "PaxHeaders/run", type: "pax", body: paxRecords({ path: "../../evil" }) },
        { name: "kexec/run", type: "file", body: Buffer.from("evil") },
      ],
      /contains "\.\."/,
    );
    const file = await archive(
      "pax.tar.gz",
      writeTarGz([
        {
          name: "PaxHeaders/x",
          type: "pax",
          body: paxRecords({ path: "kexec/renamed", mtime: "1.5" }),
        },
        { name: "kexec/short", type: "file", body: Buffer.from("ok") },
      ]),
    );
    const to = path.join(work, "pax");
    await extractTarball({ archive: file, to });
    expect(await readFile(path.join(to, "kexec", "renamed"), "utf8")).toBe("ok");
  });

  it("refuses absolute entries, devices and fifos", async () => {
    await refuses([{ name: "/etc/evil", type: "file" }], /absolute/);
    await refuses([{ name: "kexec/pipe", type: "fifo" }], /fifo/);
  });

  it("refuses a symlink that escapes, and never writes a file through a symlink", async () => {
    const outside = await tempDir("volplan-outside-");
    await refuses(
      [
        { name: "kexec/out", type: "symlink", link: outside },
        { name: "kexec/out/evil", type: "file", body: Buffer.from("evil") },
      ],
      /points outside/,
    );
    await refuses(
      [
        { name: "kexec/out", type: "symlink", link: "../.." },
        { name: "kexec/out/evil", type: "file", body: Buffer.from("evil") },
      ],
      /points outside/,
    );
    // An inside-pointing link cannot be used as a directory either.
    await refuses(
      [
        { name: "kexec/", type: "dir" },
        { name: "kexec/self", type: "symlink", link: "." },
        { name: "kexec/self/evil", type: "file", body: Buffer.from("evil") },
      ],
      /made it a symlink/,
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses a chain of links that escapes only when resolved on disk", async () => {
    await refuses(
      [
        { name: "a/", type: "dir" },
        { name: "a/up", type: "symlink", link: ".." },
        { name: "z", type: "symlink", link: "a/up/.." },
      ],
      /resolves outside/,
    );
  });

  it("keeps links that stay inside, and hard links to extracted files", async () => {
    const file = await archive(
      "ok.tar.gz",
      writeTarGz([
        { name: "kexec/", type: "dir" },
        { name: "kexec/kexec", type: "file", body: Buffer.from("bin"), mode: 0o4755 },
        { name: "kexec/kexec-link", type: "symlink", link: "kexec" },
        { name: "kexec/kexec-hard", type: "hardlink", link: "kexec/kexec" },
      ]),
    );
    const to = path.join(work, "ok");
    await extractTarball({ archive: file, to });
    expect(await readlink(path.join(to, "kexec", "kexec-link"))).toBe("kexec");
    expect((await stat(path.join(to, "kexec", "kexec"))).mode & 0o7777).toBe(0o755);
    expect((await lstat(path.join(to, "kexec", "kexec-hard"))).ino).toBe(
      (await lstat(path.join(to, "kexec", "kexec"))).ino,
    );
  });

  it("honours GNU long names and pax paths written by the system tar", async () => {
    const src = path.join(work, "src");
    const long = `kexec/${"d".repeat(120)}/${"f".repeat(120)}`;
    await mkdir(path.join(src, path.dirname(long)), { recursive: true });
    await writeFile(path.join(src, long), "long");
    for (const format of ["gnu", "pax"]) {
      const file = path.join(work, `${format}.tar.gz`);
      await execa("tar", [`--format=${format}`, "-C", src, "-czf", file, "kexec"], {
        timeout: 60_000,
      });
      const to = path.join(work, `out-${format}`);
      await extractTarball({ archive: file, to });
      expect(await readFile(path.join(to, long), "utf8")).toBe("long");
    }
  });
});
