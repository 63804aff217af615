// `volplan plan` against real images: every filesystem type, growth, a wrong type, a symlink, a full tmpfs.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import type { Plan } from "../../src/plan/types.js";
import { makeImage, sparseFile } from "../helpers/images.js";
import type { TestFsType } from "../helpers/images.js";
import { mountTmpfs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const MiB = 1024 * 1024;
let dir = "";
const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

interface VolumeSpec {
  readonly file: string;
  readonly size: number;
  readonly type: TestFsType;
  readonly allocation?: "sparse" | "preallocate";
}

/** Volumes already as declared. */
const inSync: Record<string, VolumeSpec> = {
  "sync/raw": { file: "raw.img", size: 64 * MiB, type: "none" },
  "sync/ext4": { file: "ext4.img", size: 64 * MiB, type: "ext4" },
  "sync/xfs": { file: "xfs.img", size: 320 * MiB, type: "xfs" },
  "sync/btrfs": { file: "btrfs.img", size: 256 * MiB, type: "btrfs" },
  "sync/vfat": { file: "vfat.img", size: 64 * MiB, type: "vfat" },
  "sync/swap": { file: "swap.img", size: 64 * MiB, type: "swap" },
};

function manifest(root: string, volumes: Record<string, VolumeSpec>): string {
  const entries = Object.entries(volumes).map(([id, v]) => [
    id,
    {
      path: path.join(root, v.file),
      size: v.size,
      format: { type: v.type },
      owner: uid,
      group: gid,
      mode: "0600",
      ...(v.allocation === undefined ? {} : { allocation: v.allocation }),
    },
  ]);
  return `${JSON.stringify({ version: 1, stateDir: path.join(root, "state"), volumes: Object.fromEntries(entries) }, null, 2)}\n`;
}

async function writeManifest(name: string, volumes: Record<string, VolumeSpec>): Promise<string> {
  const file = path.join(dir, "manifests", name);
  await writeFile(file, manifest(path.join(dir, "images"), volumes));
  return file;
}

function kindsByVolume(plan: Plan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const action of plan.actions) {
    if (!("volume" in action)) continue;
    (out[action.volume] ??= []).push(
      action.kind === "refuse" ? `refuse:${action.refusal}` : action.kind,
    );
  }
  return out;
}

async function planJson(file: string): Promise<{ exitCode: number; plan: Plan }> {
  const result = await volplan(["plan", "--manifest", file, "--json", "--detailed-exitcode"]);
  expect(result.stderr).not.toContain("internal error");
  const plan = JSON.parse(result.stdout) as Plan;
  expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
  return { exitCode: result.exitCode, plan };
}

beforeAll(async () => {
  dir = await tempDir("volplan-cli-plan-");
  const images = path.join(dir, "images");
  await mkdir(images);
  await mkdir(path.join(dir, "manifests"));
  for (const v of Object.values(inSync)) await makeImage({ ...v, file: path.join(images, v.file) });
  // Smaller than declared: the file and its filesystem must grow.
  await makeImage({ file: path.join(images, "small.img"), type: "ext4", size: 32 * MiB });
  // File already grown, filesystem not.
  await makeImage({ file: path.join(images, "grown.img"), type: "ext4", size: 32 * MiB });
  await sparseFile(path.join(images, "grown.img"), 64 * MiB);
  // xfs where ext4 is declared.
  await makeImage({ file: path.join(images, "wrongtype.img"), type: "xfs", size: 320 * MiB });
  await symlink(path.join(images, "ext4.img"), path.join(images, "link.img"));
});

describe("volplan plan on real images", () => {
  it("finds nothing to do when every image matches (exit 0 with --detailed-exitcode)", async () => {
    const file = await writeManifest("sync.json", inSync);
    const { exitCode, plan } = await planJson(file);
    expect(exitCode).toBe(0);
    expect(Object.values(kindsByVolume(plan)).flat()).toEqual(Array(6).fill("no-change"));
    const text = await volplan(["plan", "--manifest", file]);
    expect(text.stdout).toBe("No changes. 6 volumes match the manifest.\n");
    const verbose = await volplan(["plan", "--manifest", file, "--verbose"]);
    for (const id of Object.keys(inSync)) {
      expect(verbose.stdout).toMatch(new RegExp(`^ {2}= ${id} +\\S+ +\\d+ MiB, as declared$`, "m"));
    }
  });

  it("plans creation and growth (exit 2 with --detailed-exitcode, 0 without)", async () => {
    const file = await writeManifest("changes.json", {
      ...inSync,
      new: { file: "new.img", size: 64 * MiB, type: "ext4" },
      small: { file: "small.img", size: 64 * MiB, type: "ext4" },
      grown: { file: "grown.img", size: 64 * MiB, type: "ext4" },
    });
    const { exitCode, plan } = await planJson(file);
    expect(exitCode).toBe(2);
    const kinds = kindsByVolume(plan);
    expect(kinds["new"]).toEqual(["create"]);
    expect(kinds["small"]).toEqual(["grow-image", "grow-filesystem"]);
    expect(kinds["grown"]).toEqual(["grow-filesystem"]);
    const text = await volplan(["plan", "--manifest", file]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^ {2}\+ new +\S+new\.img +new 64 MiB ext4 image/m);
    expect(text.stdout).toMatch(
      /^ {2}~ small +\S+small\.img +32 MiB → 64 MiB \(ext4 grown by the host\)$/m,
    );
    expect(text.stdout).toMatch(/^ {2}~ grown +\S+grown\.img +ext4 filesystem 32 MiB → 64 MiB/m);
    expect(text.stdout).toContain(
      "Plan: 1 to create, 2 to grow, 0 to change, 6 unchanged, 0 refused.",
    );
  });

  it("refuses a wrong filesystem type and a symlink (exit 3), with fixes", async () => {
    const file = await writeManifest("refusals.json", {
      "sync/ext4": inSync["sync/ext4"]!,
      wrongtype: { file: "wrongtype.img", size: 320 * MiB, type: "ext4" },
      link: { file: "link.img", size: 64 * MiB, type: "ext4" },
    });
    const { exitCode, plan } = await planJson(file);
    expect(exitCode).toBe(3);
    const kinds = kindsByVolume(plan);
    expect(kinds["wrongtype"]).toEqual(["refuse:type-differs"]);
    expect(kinds["link"]).toEqual(["refuse:symlink"]);
    const text = await volplan(["plan", "--manifest", file]);
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toMatch(/^ {2}! wrongtype .*refused \(type-differs\): found xfs/m);
    expect(text.stdout).toMatch(/^ {2}! link .*refused \(symlink\)/m);
    expect(text.stdout.match(/^ {6}fix: /gm)).toHaveLength(2);
  });

  it("prints no escape codes to a pipe or under NO_COLOR, and colours with --color=always", async () => {
    const file = await writeManifest("colour.json", {
      new: { file: "new.img", size: 64 * MiB, type: "ext4" },
    });
    expect((await volplan(["plan", "--manifest", file])).stdout).not.toContain("\u001b[");
    const noColor = await volplan(["plan", "--manifest", file], { env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
    const always = await volplan(["plan", "--manifest", file, "--color=always"]);
    expect(always.stdout).toContain("\u001b[32m+");
  });

  it.skipIf(!canMount())("says a tiny tmpfs is short of space (exit 4)", async () => {
    const tiny = await mountTmpfs(16 * MiB);
    const mount = tiny.mountPoint;
    try {
      const file = path.join(dir, "manifests", "tiny.json");
      await writeFile(
        file,
        manifest(mount, {
          big: { file: "big.img", size: 64 * MiB, type: "none", allocation: "preallocate" },
        }),
      );
      const { exitCode, plan } = await planJson(file);
      expect(exitCode).toBe(4);
      expect(plan.feasible).toBe(false);
      expect(plan.filesystems.find((fs) => fs.mount_point === mount)?.feasible).toBe(false);
      const text = await volplan(["plan", "--manifest", file]);
      expect(text.exitCode).toBe(4);
      expect(text.stdout).toMatch(new RegExp(`^ {2}${mount} \\(tmpfs\\) .*short by `, "m"));
      expect(text.stdout).toContain("needs space: big create 64 MiB");
    } finally {
      await tiny.cleanup();
    }
  });
});
