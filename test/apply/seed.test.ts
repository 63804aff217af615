// Seeding never copies what the image's readers could not read themselves: a seed name the
// image directory's owner replaced with a symlink to a root-only file is refused, nothing made.
import { chmod, chown, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveRoot } from "../helpers/privilege.js";
import { volplan } from "../cli/volplan.js";

const NOBODY = 65534;

describe.runIf(haveRoot())("seed contents and who reads the image", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-seed-leak-"));
    await chmod(work, 0o755);
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("refuses a seed linked to a root-only file for an image another user owns", async () => {
    const secrets = path.join(work, "secrets");
    await mkdir(secrets, { mode: 0o700 });
    const secret = path.join(secrets, "key");
    await writeFile(secret, Buffer.concat([Buffer.from("ROOT-ONLY"), Buffer.alloc(64 * 1024)]));
    await chmod(secret, 0o600);
    const vm = path.join(work, "vm");
    await mkdir(vm, { mode: 0o755 });
    await chown(vm, NOBODY, NOBODY);
    // What the directory's owner can do: name the seed as a link to anything.
    await symlink(secret, path.join(vm, "base.img"));
    const manifest = path.join(work, "manifest.json");
    const volume = {
      path: path.join(vm, "root.img"),
      size: "1MiB",
      owner: NOBODY,
      group: NOBODY,
      mode: "0600",
      format: { type: "none" },
      seed: { from: path.join(vm, "base.img") },
    };
    const stateDir = path.join(work, "state");
    await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes: { vm: volume } }));
    const run = await volplan(["apply", "--manifest", manifest]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout + run.stderr).toContain("SEED_UNREADABLE");
    expect((await readdir(vm)).sort()).toEqual(["base.img"]);
  });
});
