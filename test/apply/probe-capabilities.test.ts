import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "../../src/host/runner.js";
import { CommandError, execaRunner } from "../../src/host/runner.js";
import { parseManifestText } from "../../src/manifest/load.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import { observe } from "../../src/observe/observe.js";
import { probeCapabilities } from "../../src/apply/probe-capabilities.js";
import { plan } from "../../src/plan/plan.js";
import { mountLoopFs, mountTmpfs, privilegeProblem } from "../apply/fixtures/filesystems.js";
import type { TestFs } from "../apply/fixtures/filesystems.js";

function desiredFor(dir: string, volumes: Record<string, object>): DesiredState {
  const withPaths = Object.fromEntries(
    Object.entries(volumes).map(([id, v]) => [
      id,
      { path: path.join(dir, `${id.replace("/", "-")}.img`), ...v },
    ]),
  );
  const loaded = parseManifestText(
    JSON.stringify({ version: 1, stateDir: path.join(dir, "state"), volumes: withPaths }),
    "test",
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.desired;
}

describe.skipIf(privilegeProblem !== null)("capability probes", () => {
  let tmpfs: TestFs;
  let btrfs: TestFs;
  beforeAll(async () => {
    tmpfs = await mountTmpfs(64 * 1024 * 1024);
    btrfs = await mountLoopFs("btrfs", 256 * 1024 * 1024);
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
      "vm/pre": { size: "8MiB", allocation: "preallocate" },
      "vm/seeded": { size: "8MiB", seed: { from: "/dev/null" } },
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
    const desired = desiredFor(dir, { "vm/seeded": { size: "8MiB", seed: { from: "/dev/null" } } });
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
    const desired = desiredFor(dir, { "vm/pre": { size: "8MiB", allocation: "preallocate" } });
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
