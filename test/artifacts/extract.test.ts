import { execa } from "execa";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { extractTarball } from "../../src/artifacts/extract.js";
import { VolplanError } from "../../src/errors.js";
import { shellCommand } from "../../src/text/shell-quote.js";
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

const root = process.getuid?.() === 0;
if (!root && process.env.CI === "true") {
  throw new Error(
    "extract.test.ts runs attacks as nobody, which needs root; CI must not skip them",
  );
}

const NOBODY = 65534;

/** Runs a shell script as nobody (uid and gid 65534, no supplementary groups); never throws. */
async function asNobody(script: string): Promise<{ exitCode: number | undefined }> {
  const result = await execa(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c", script],
    { reject: false, timeout: 30_000 },
  );
  return { exitCode: result.exitCode };
}

// The swap: the owner of a directory replaces the tree volplan extracted into it with their own.
function swapScript(dir: string): string {
  const q = (p: string) => shellCommand(p);
  const kexec = path.join(dir, "kexec");
  return [
    `mv ${q(kexec)} ${q(path.join(dir, "old"))}`,
    `mkdir ${q(kexec)}`,
    `printf '#!/bin/sh\\necho owned\\n' > ${q(path.join(kexec, "run"))}`,
  ].join(" && ");
}

async function refusal(promise: Promise<unknown>): Promise<VolplanError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof VolplanError))
    throw new Error(`expected a refusal, got ${String(outcome)}`);
  return outcome;
}

describe.skipIf(!root)(
  "extract target: only root or the caller may change it (attacks run as nobody)",
  () => {
    let shared: string;
    let file: string;

    beforeEach(async () => {
      // work is 0700; nobody needs to reach into it for these tests.
      await chmod(work, 0o755);
      shared = work;
      file = await archive("k.tar.gz", kexec.body);
    });

    it("refuses a 0777 directory another user made in /tmp, whose owner would swap the tree root runs", async () => {
      const tmp = path.join(shared, "tmp-like");
      await mkdir(tmp);
      await chmod(tmp, 0o1777);
      const target = path.join(tmp, "kexec-tree");
      expect((await asNobody(`mkdir -m 0777 ${shellCommand(target)}`)).exitCode).toBe(0);
      const outcome = await extractTarball({ archive: file, to: target }).then(
        () => null,
        (error: unknown) => error,
      );
      // The attack: the directory's owner swaps in their own run script (works if volplan extracted).
      await asNobody(swapScript(target));
      expect(outcome).toBeInstanceOf(VolplanError);
      expect((outcome as VolplanError).code).toBe("EXTRACT_TARGET_UNSAFE");
      expect((outcome as VolplanError).message).toContain(
        `refusing to extract into ${target}: it is owned by uid ${NOBODY}, not by you (uid 0)`,
      );
      expect((outcome as VolplanError).message).toContain("does not exist yet");
      expect(await readdir(target)).not.toContain("old");
    });

    it("refuses a new directory below one another user owns, who could rename it and put theirs in its place", async () => {
      const home = path.join(shared, "nobody-home");
      await mkdir(home);
      await chown(home, NOBODY, NOBODY);
      const target = path.join(home, "kexec-tree");
      const outcome = await extractTarball({ archive: file, to: target }).then(
        () => null,
        (error: unknown) => error,
      );
      // The attack: the parent's owner swaps the whole tree (succeeds only if volplan extracted).
      await asNobody(
        `mv ${shellCommand(target)} ${shellCommand(`${target}.old`)} && mkdir -p ${shellCommand(path.join(target, "kexec"))} && echo owned > ${shellCommand(path.join(target, "kexec", "run"))}`,
      );
      expect(outcome).toBeInstanceOf(VolplanError);
      expect((outcome as VolplanError).code).toBe("EXTRACT_TARGET_UNSAFE");
      expect((outcome as VolplanError).message).toContain(
        `its parent directory ${home} is not safe (it is owned by uid ${NOBODY})`,
      );
      expect(await readdir(home)).not.toContain("kexec-tree.old");
    });

    it("refuses an empty directory of root's that a group can write", async () => {
      const target = path.join(shared, "group-writable");
      await mkdir(target);
      await chown(target, 0, NOBODY);
      await chmod(target, 0o775);
      const outcome = await extractTarball({ archive: file, to: target }).then(
        () => null,
        (error: unknown) => error,
      );
      // nobody's primary group is 65534: the swap works if anything was extracted.
      await asNobody(swapScript(target));
      expect(outcome).toBeInstanceOf(VolplanError);
      expect((outcome as VolplanError).message).toContain(
        "writable by group or others (mode 0775)",
      );
      expect(await readdir(target)).not.toContain("old");
    });

    it("refuses a symlink as the target, even to a safe empty directory", async () => {
      const real = path.join(shared, "real");
      await mkdir(real);
      const link = path.join(shared, "link");
      await symlink(real, link);
      const refused = await refusal(extractTarball({ archive: file, to: link }));
      expect(refused.message).toContain(`refusing to extract into ${link}: it is a symlink`);
      expect(await readdir(real)).toEqual([]);
    });

    it("creates the target in a sticky directory like /tmp, where others cannot rename it", async () => {
      const sticky = path.join(shared, "tmp");
      await mkdir(sticky);
      await chmod(sticky, 0o1777);
      const planted = path.join(sticky, "planted");
      expect((await asNobody(`mkdir -m 0700 ${shellCommand(planted)}`)).exitCode).toBe(0);
      const refused = await refusal(extractTarball({ archive: file, to: planted }));
      expect(refused.message).toContain(`it is owned by uid ${NOBODY}`);

      const target = path.join(sticky, "fresh");
      const summary = await extractTarball({ archive: file, to: target });
      expect(summary.to).toBe(target);
      const run = await readFile(path.join(target, "kexec", "run"));
      expect((await asNobody(swapScript(target))).exitCode).not.toBe(0);
      expect(
        (await asNobody(`mv ${shellCommand(target)} ${shellCommand(`${target}.x`)}`)).exitCode,
      ).not.toBe(0);
      expect((await readFile(path.join(target, "kexec", "run"))).equals(run)).toBe(true);
      expect((await stat(target)).uid).toBe(0);
    });

    it("resolves a symlinked parent and reports the real path it extracted into", async () => {
      const real = path.join(shared, "real-parent");
      await mkdir(real);
      await symlink(real, path.join(shared, "parent-link"));
      const summary = await extractTarball({
        archive: file,
        to: path.join(shared, "parent-link", "t"),
      });
      expect(summary.to).toBe(path.join(real, "t"));
      expect(await readdir(path.join(real, "t"))).toEqual(["kexec"]);
    });
  },
);
