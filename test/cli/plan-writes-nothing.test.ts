// `volplan plan` only reads the host: every file and directory is unchanged afterwards, and only --out is written.
import { lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import type { Plan } from "../../src/plan/types.js";
import { makeImage, sparseFile } from "../helpers/images.js";
import { tempDir } from "../helpers/temp-dir.js";
import { treeState } from "../helpers/tree-state.js";
import { volplan } from "./volplan.js";

const MiB = 1024 * 1024;
let dir = "";
let manifestFile = "";

beforeAll(async () => {
  dir = await tempDir("volplan-cli-readonly-");
  const images = path.join(dir, "images");
  await mkdir(images);
  await makeImage({ file: path.join(images, "ok.img"), type: "ext4", size: 32 * MiB });
  await makeImage({ file: path.join(images, "small.img"), type: "ext4", size: 16 * MiB });
  await makeImage({ file: path.join(images, "raw.img"), type: "none", size: 8 * MiB });
  // A leftover temp file from a run that died (pid 2^22 + 1 cannot exist): plan lists it, apply reclaims it.
  await sparseFile(path.join(images, ".raw.img.volplan-tmp-4194305-0badf00d"), 8 * MiB);
  const volume = (file: string, size: number, type: string) => ({
    path: path.join(images, file),
    size,
    format: { type },
    owner: process.getuid?.() ?? 0,
    group: process.getgid?.() ?? 0,
    mode: "0640",
  });
  manifestFile = path.join(dir, "manifest.json");
  const manifest = {
    version: 1,
    stateDir: path.join(dir, "state"),
    volumes: {
      ok: volume("ok.img", 32 * MiB, "ext4"),
      small: volume("small.img", 32 * MiB, "ext4"),
      raw: volume("raw.img", 8 * MiB, "none"),
      new: volume("new.img", 32 * MiB, "ext4"),
      sub: volume("sub/dir/new.img", 320 * MiB, "xfs"),
    },
  };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
});

describe("volplan plan writes nothing", () => {
  it("leaves every file and directory exactly as it was", async () => {
    const before = await treeState(dir);
    // sub's directory is missing (plan never makes it): a refusal, so every view exits 3.
    for (const extra of [[], ["--json"], ["--markdown"], ["--verbose", "--detailed-exitcode"]]) {
      const result = await volplan(["plan", "--manifest", manifestFile, ...extra]);
      expect(result.stderr).toBe("");
      expect(result.exitCode, result.stdout).toBe(3);
    }
    expect(await treeState(dir)).toEqual(before);
  });

  it("writes only --out, mode 0600, with the fingerprint and the manifest", async () => {
    const outDir = await tempDir("volplan-cli-out-");
    const before = await treeState(dir);
    const out = path.join(outDir, "plan.json");
    const result = await volplan(["plan", "--manifest", manifestFile, "--out", out]);
    expect(result.stderr).toBe("");
    expect(await treeState(dir)).toEqual(before);
    expect(await readdir(outDir)).toEqual(["plan.json"]);
    expect((await lstat(out)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(out, "utf8")) as Plan;
    expect(validatePlan(saved), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(saved.fingerprint).toMatch(/\S/);
    expect(saved.manifest).toEqual(JSON.parse(await readFile(manifestFile, "utf8")));
    expect(saved.actions.map((a) => a.kind)).toContain("remove-temp");
  });
});
