// Labels reach the labelling tools as data: never as a shell word (xfs_admin evaluates its
// arguments in sh), never as an option (fatlabel and btrfs read "-V" or "--help" as one).
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relabelCommand, relabelProblem } from "../../src/plan/relabel-command.js";

type RelabelType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap";

const MiB = 1024 * 1024;
const T = { timeout: 60_000 };

// Makes an image of `type`, relabels it with `label` from inside `cwd`, and reads the label back.
async function relabelled(input: { dir: string; type: RelabelType; label: string }) {
  const image = path.join(input.dir, `${input.type}.img`);
  const size = input.type === "xfs" ? 300 * MiB : input.type === "btrfs" ? 120 * MiB : 8 * MiB;
  await execa("truncate", ["-s", String(size), image], T);
  const mkfs: Record<RelabelType, string[]> = {
    ext2: ["mkfs.ext2", "-q", "-F"],
    ext3: ["mkfs.ext3", "-q", "-F"],
    ext4: ["mkfs.ext4", "-q", "-F"],
    xfs: ["mkfs.xfs", "-q", "-f"],
    btrfs: ["mkfs.btrfs", "-q", "-f"],
    vfat: ["mkfs.vfat"],
    swap: ["mkswap"],
  };
  const [program = "", ...args] = mkfs[input.type];
  await execa(program, [...args, image], T);
  const { file, args: relabelArgs } = relabelCommand(input.type, image, input.label);
  await execa(file, relabelArgs, { ...T, cwd: input.dir });
  const found = await execa("blkid", ["-p", "-s", "LABEL", "-o", "value", image], T);
  return found.stdout.replace(/\n$/, "");
}

describe("relabelCommand", () => {
  let work: string;
  let n = 0;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-relabel-"));
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  async function dir(): Promise<string> {
    const at = path.join(work, `case-${++n}`);
    await execa("mkdir", [at], T);
    return at;
  }

  it("sets an xfs label holding shell syntax as it is, running nothing", async () => {
    const at = await dir();
    expect(await relabelled({ dir: at, type: "xfs", label: "';id>pwned;'" })).toBe("';id>pwned;'");
    expect(await readdir(at)).toEqual(["xfs.img"]);
  });

  it("knows an xfs label with a blank cannot be set (xfs_db would split it); other labels can", () => {
    expect(relabelProblem("xfs", "my data")).toMatch(/blank/);
    expect(relabelProblem("xfs", "data")).toBeNull();
    expect(relabelProblem("ext4", "my data")).toBeNull();
  });

  it.each([
    ["vfat", "-V"],
    ["btrfs", "--help"],
    ["ext4", "-V"],
    ["swap", "-V"],
  ] as const)("sets a %s label that looks like an option (%s)", async (type, label) => {
    expect(await relabelled({ dir: await dir(), type, label })).toBe(label);
  });
});
