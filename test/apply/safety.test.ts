import {
  chmod,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import type {
  RefuseAction,
  RemoveTempAction,
  SeedAction,
  SetOwnershipAction,
} from "../../src/plan/types.js";
import { blkid } from "../helpers/blkid.js";
import { desiredState } from "../helpers/desired.js";
import { makeImage } from "../helpers/images.js";
import { mountLoopFs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { sha256File } from "../helpers/sha256.js";
import { createAction, planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
// apply reads only the state directory from the desired state, and none of these plans uses it.
const desired = desiredState({ volumes: [] });
const T = { timeout: 120_000 };

describe.skipIf(!canMount())("apply safety on a real filesystem", () => {
  let host: TestFs;
  let n = 0;
  beforeAll(async () => {
    host = await mountLoopFs("ext4", 1024 * MiB);
  });
  afterAll(async () => {
    await host?.cleanup();
  });
  const freshDir = async (): Promise<string> => {
    const dir = path.join(host.mountPoint, `case-${++n}`);
    await mkdir(dir, { mode: 0o755 });
    return dir;
  };

  it("seeds with a hole-preserving copy grown to the declared size", async () => {
    const d = await freshDir();
    const base = path.join(d, "base.img");
    await makeImage({ file: base, type: "ext4", size: 128 * MiB, label: "base" });
    const handle = await open(base, "r+");
    await handle.write(Buffer.alloc(4 * MiB, 0xab), 0, 4 * MiB, 64 * MiB);
    await handle.close();
    const file = path.join(d, "seeded.img");
    const action: SeedAction = {
      kind: "seed",
      volume: "vm/seeded",
      path: file,
      reason: "missing",
      consumes: { filesystem: host.id, bytes: 8 * MiB },
      size: 256 * MiB,
      from: base,
      ownership: { uid: 0, gid: 0, mode: "0640" },
    };
    const report = await applyPlan({ plan: planOf([action]), desired });
    expect(report.results[0]).toMatchObject({ status: "done" });
    const [src, copy] = [await stat(base), await stat(file)];
    expect(copy.size).toBe(256 * MiB);
    expect(copy.mode & 0o7777).toBe(0o640);
    // Never denser than the source (zero runs in the source, such as its journal, may even become holes).
    expect(copy.blocks * 512).toBeLessThanOrEqual(src.blocks * 512 + MiB);
    expect(
      (await execa("cmp", ["-n", String(128 * MiB), base, file], { reject: false, ...T })).exitCode,
    ).toBe(0);
    expect(await blkid(file)).toMatchObject({ TYPE: "ext4", LABEL: "base" });
  });

  it("repairs owner and mode in place", async () => {
    const file = path.join(await freshDir(), "owned.img");
    await writeFile(file, "data", { mode: 0o644 });
    const action: SetOwnershipAction = {
      kind: "set-ownership",
      volume: "vm/owned",
      path: file,
      reason: "owner differs",
      consumes: { filesystem: host.id, bytes: 0 },
      from: { uid: 0, gid: 0, mode: "0644" },
      to: { uid: 4321, gid: 8765, mode: "0660" },
    };
    const report = await applyPlan({ plan: planOf([action]), desired });
    expect(report.results[0]?.status).toBe("done");
    const info = await stat(file);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([4321, 8765, 0o660]);
    expect(await readFile(file, "utf8")).toBe("data");
  });

  it("leaves a refused image byte-identical", async () => {
    const file = path.join(await freshDir(), "refused.img");
    await makeImage({ file, type: "ext4", size: 16 * MiB });
    const before = { sha: await sha256File(file), stat: await stat(file) };
    const refuse: RefuseAction = {
      kind: "refuse",
      volume: "vm/refused",
      path: file,
      reason: "volume vm/refused: image is 16 MiB but the manifest declares 8 MiB",
      consumes: { filesystem: host.id, bytes: 0 },
      refusal: "shrink",
      found: "16 MiB",
      declared: "8 MiB",
      fix: 'size = "16MiB"',
    };
    const report = await applyPlan({ plan: planOf([refuse]), desired });
    expect(report.results[0]).toMatchObject({ status: "refused", error: { code: "shrink" } });
    expect(report.totals.refused).toBe(1);
    expect(await sha256File(file)).toBe(before.sha);
    expect((await stat(file)).mtimeMs).toBe(before.stat.mtimeMs);
  });

  it("never writes through a symlink at the image path", async () => {
    const d = await freshDir();
    const target = path.join(d, "target-elsewhere");
    const file = path.join(d, "disk.img");
    await symlink(target, file);
    const report = await applyPlan({
      plan: planOf([createAction({ path: file, filesystem: host.id, size: 8 * MiB })]),
      desired,
    });
    expect(report.results[0]).toMatchObject({ status: "failed", error: { code: "PATH_TAKEN" } });
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    expect(await readdir(d)).toEqual(["disk.img"]);
  });

  it("never writes below a symlinked parent", async () => {
    const d = await freshDir();
    const real = path.join(d, "real");
    await mkdir(real);
    await symlink(real, path.join(d, "link"));
    const report = await applyPlan({
      plan: planOf([
        createAction({
          path: path.join(d, "link", "disk.img"),
          filesystem: host.id,
          size: 8 * MiB,
        }),
      ]),
      desired,
    });
    expect(report.results[0]).toMatchObject({ status: "failed", error: { code: "UNSAFE_PATH" } });
    expect(await readdir(real)).toEqual([]);
  });

  it("refuses to create in a world-writable directory", async () => {
    const d = await freshDir();
    await chmod(d, 0o777);
    const report = await applyPlan({
      plan: planOf([
        createAction({ path: path.join(d, "disk.img"), filesystem: host.id, size: 8 * MiB }),
      ]),
      desired,
    });
    expect(report.results[0]).toMatchObject({ status: "failed", error: { code: "UNSAFE_PATH" } });
    expect(report.results[0]?.error?.message).toContain("chmod o-w");
    expect(await readdir(d)).toEqual([]);
  });

  it("reclaims only volplan temp files of dead processes", async () => {
    const d = await freshDir();
    const stale = path.join(d, ".disk.img.volplan-tmp-999999999-0123abcd");
    const notOurs = path.join(d, "disk.img.bak");
    await writeFile(stale, "partial");
    await writeFile(notOurs, "keep");
    const removal = (p: string): RemoveTempAction => ({
      kind: "remove-temp",
      volume: "vm/disk",
      path: p,
      reason: "left by an interrupted run",
      consumes: { filesystem: host.id, bytes: 0 },
      frees: 4096,
    });
    const report = await applyPlan({
      plan: planOf([removal(stale), removal(notOurs)]),
      desired,
    });
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["done", undefined],
      ["failed", "NOT_A_TEMP_FILE"],
    ]);
    expect(await readdir(d)).toEqual(["disk.img.bak"]);
  });
});
