// mkfsArgs that make mkfs read or write outside the image, tried for real with `volplan apply`:
// each is refused by validation, with its pointer and fix, and nothing outside the state
// directory changes (no image is made, the victim file keeps its bytes).
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { volplan } from "../cli/volplan.js";

const root = process.getuid?.() === 0;
if (!root && process.env.CI === "true") {
  throw new Error("the mkfsArgs attack tests run apply as root; CI must not skip them");
}

const MiB = 1024 * 1024;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "volplan-mkfs-attack-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

interface Attack {
  readonly name: string;
  readonly type: string;
  readonly size: string;
  /** The arguments, given the victim file and a host directory with a secret in it. */
  readonly args: (victim: string, hostDir: string) => string[];
  /** The index of the argument validation points at. */
  readonly at: number;
  readonly message: RegExp;
}

const attacks: Attack[] = [
  {
    name: "mkfs.xfs -l logdev= overwrites another file with the log",
    type: "xfs",
    size: "512MiB",
    args: (victim) => ["-l", `logdev=${victim},size=64m`],
    at: 1,
    message: /mkfs\.xfs -l logdev= puts the log on another device or file/,
  },
  {
    name: "mke2fs -d copies a host directory into the guest's image",
    type: "ext4",
    size: "64MiB",
    args: (_victim, hostDir) => ["-d", hostDir],
    at: 0,
    message: /mke2fs -d copies a host directory or tarball into the image/,
  },
  {
    name: "mkfs.btrfs with a second device formats the victim too",
    type: "btrfs",
    size: "256MiB",
    args: (victim) => ["-K", victim],
    at: 1,
    message: /mkfs\.btrfs would take this argument as the device to format/,
  },
  {
    name: "mkfs.btrfs --root (getopt's abbreviation of --rootdir) copies a host directory",
    type: "btrfs",
    size: "256MiB",
    args: (_victim, hostDir) => ["--root", hostDir],
    at: 0,
    message: /--root is an abbreviation \(getopt would expand it to --rootdir\)/,
  },
  {
    name: "mkfs.vfat -m copies a host file into the boot sector",
    type: "vfat",
    size: "64MiB",
    args: (victim) => ["-m", victim],
    at: 0,
    message: /mkfs\.vfat -m copies a host file/,
  },
];

describe.skipIf(!root)("mkfsArgs that reach outside the image, applied for real", () => {
  it.each(attacks)("$name: refused before mkfs runs", async (attack) => {
    const dir = path.join(work, attack.type + attack.at + attack.name.length);
    const vms = path.join(dir, "vms");
    const hostDir = path.join(dir, "host-secrets");
    await mkdir(vms, { recursive: true, mode: 0o755 });
    await mkdir(hostDir, { mode: 0o700 });
    await writeFile(path.join(hostDir, "shadow"), "root:secret-hash:19000::::::\n");
    const victim = path.join(dir, "other-vm.img");
    // Another VM's image: data at the start, large enough to hold an xfs log or a btrfs device.
    await writeFile(victim, Buffer.alloc(MiB, 0x5a));
    await truncate(victim, 300 * MiB);
    const before = await sha256(victim);
    const manifest = path.join(dir, "manifest.json");
    const mkfsArgs = attack.args(victim, hostDir);
    const image = path.join(vms, "guest.img");
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir: path.join(dir, "state"),
        policy: { reserve: 0 },
        volumes: {
          "guest/root": { path: image, size: attack.size, format: { type: attack.type, mkfsArgs } },
        },
      }),
    );

    const run = await volplan(["apply", "--manifest", manifest]);

    expect(run.exitCode).toBe(1);
    const line = run.stderr
      .split("\n")
      .find((l) =>
        l.startsWith(`${manifest}: error /volumes/guest~1root/format/mkfsArgs/${attack.at}: `),
      );
    expect(line).toMatch(attack.message);
    expect(line).toMatch(/\(fix: [A-Z].+\.\)$/);
    expect(await readdir(vms)).toEqual([]);
    expect(await sha256(victim)).toBe(before);
  });
});
