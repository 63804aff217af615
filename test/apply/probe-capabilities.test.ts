import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "../../src/host/runner.js";
import { CommandError, execaRunner } from "../../src/host/runner.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import { observe } from "../../src/observe/observe.js";
import { probeCapabilities } from "../../src/apply/probe-capabilities.js";
import { plan } from "../../src/plan/plan.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { mountLoopFs, mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";

const MiB = 1024 * 1024;

/** 8 MiB volumes named after their ids, in `dir`, with their state directory there too. */
function desiredFor(
  dir: string,
  volumes: Record<string, Parameters<typeof desiredVolume>[0]>,
): DesiredState {
  return desiredState({
    stateDir: path.join(dir, "state"),
    volumes: Object.entries(volumes).map(([id, overrides]) =>
      desiredVolume({
        id,
        path: path.join(dir, `${id.replace("/", "-")}.img`),
        size: 8 * MiB,
        ...overrides,
      }),
    ),
  });
}

describe.skipIf(!canMount())("capability probes", () => {
  let tmpfs: TestFs;
  let btrfs: TestFs;
  beforeAll(async () => {
    tmpfs = await mountTmpfs(64 * MiB);
    btrfs = await mountLoopFs("btrfs", 256 * MiB);
  });
  afterAll(async () => {
    await tmpfs?.cleanup();
    await btrfs?.cleanup();
  });

  it("finds sparse and fallocate on tmpfs but no reflink, probing only what is planned, and leaves no file", async () => {
    const dir = path.join(tmpfs.mountPoint, "vms");
    await mkdir(dir, { mode: 0o755 });
    await mkdir(path.join(dir, "base"));
    const desired = desiredFor(dir, {
      "vm/pre": { allocation: "preallocate" },
      "vm/seeded": { seed: { from: "/dev/null" } },
    });
    const calls: string[] = [];
    const runner: Runner = (file, args, options) => (
      calls.push(file),
      execaRunner(file, args, options)
    );
    const probed = await probeCapabilities({ desired, snapshot: await observe(desired), runner });
    expect(probed.filesystems[tmpfs.id]?.capabilities).toEqual({
      sparse: true,
      fallocate: true,
      reflink: false,
    });
    expect(calls.sort()).toEqual(["cp", "fallocate"]);
    expect(await readdir(dir)).toEqual(["base"]);
  });

  it("finds reflink on btrfs and leaves fallocate unprobed when no volume is preallocated", async () => {
    const dir = path.join(btrfs.mountPoint, "vms");
    await mkdir(dir, { mode: 0o755 });
    const desired = desiredFor(dir, { "vm/seeded": { seed: { from: "/dev/null" } } });
    const probed = await probeCapabilities({
      desired,
      snapshot: await observe(desired),
      runner: execaRunner,
    });
    expect(probed.filesystems[btrfs.id]?.capabilities).toEqual({
      sparse: true,
      fallocate: null,
      reflink: true,
    });
  });

  it("records fallocate as unsupported, and the plan then says it creates the image sparse", async () => {
    const dir = path.join(tmpfs.mountPoint, "nofalloc");
    await mkdir(dir, { mode: 0o755 });
    const desired = desiredFor(dir, { "vm/pre": { allocation: "preallocate" } });
    const runner: Runner = (file, args, options) =>
      file === "fallocate"
        ? Promise.reject(
            new CommandError({
              code: "COMMAND_FAILED",
              file,
              args,
              exitCode: 1,
              stderr: "fallocate: fallocate failed: Operation not supported",
            }),
          )
        : execaRunner(file, args, options);
    const probed = await probeCapabilities({ desired, snapshot: await observe(desired), runner });
    expect(probed.filesystems[tmpfs.id]?.capabilities.fallocate).toBe(false);
    const result = plan(desired, probed);
    const create = result.actions.find((a) => a.kind === "create");
    expect(create).toMatchObject({ allocation: "sparse" });
    expect(result.warnings.map((w) => w.code)).toContain("allocation-fallback");
  });
});
