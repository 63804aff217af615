import path from "node:path";
import { stat } from "node:fs/promises";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import { blkid } from "../helpers/blkid.js";
import { desiredState } from "../helpers/desired.js";
import { mountLoopFs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { createAction, planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
// apply reads only the state directory from the desired state, and none of these plans uses it.
const desired = desiredState({ volumes: [] });

describe.skipIf(!canMount())("lean creation of fresh sparse images", () => {
  let host: TestFs;
  beforeAll(async () => {
    host = await mountLoopFs("ext4", 3 * GiB);
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  it("allocates a 100 GiB ext4 image under 16 MiB, where plain mkfs.ext4 allocates about 0.5 GiB", async () => {
    const file = path.join(host.mountPoint, "lean.img");
    const report = await applyPlan({
      plan: planOf([
        createAction({
          path: file,
          filesystem: host.id,
          size: 100 * GiB,
          format: { type: "ext4", label: "lean", uuid: null, mkfs_args: [] },
        }),
      ]),
      desired,
    });
    expect(report.results[0]?.status).toBe("done");
    const lean = (await stat(file)).blocks * 512;
    expect(await blkid(file)).toMatchObject({ TYPE: "ext4", LABEL: "lean" });

    const plainFile = path.join(host.mountPoint, "plain.img");
    await execa("truncate", ["-s", String(100 * GiB), plainFile], { timeout: 60_000 });
    await execa("mkfs.ext4", ["-F", "-q", plainFile], { timeout: 600_000 });
    const plain = (await stat(plainFile)).blocks * 512;

    expect(lean).toBeLessThan(16 * MiB);
    expect(plain).toBeGreaterThan(256 * MiB);
    expect(plain / lean).toBeGreaterThan(16);
    expect(
      (await execa("e2fsck", ["-fn", file], { reject: false, timeout: 600_000 })).exitCode,
    ).toBe(0);
  });
});
