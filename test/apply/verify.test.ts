// Apply proves its result: what the plan promised is checked on the volumes as observed again.
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promisesOf } from "../../src/apply/promised.js";
import { mismatches } from "../../src/apply/verify.js";
import type { ApplyReport } from "../../src/apply/report.js";
import { plan } from "../../src/plan/plan.js";
import {
  GIB,
  MIB,
  desiredState,
  desiredVolume,
  foundFs,
  observedFile,
  seedImage,
  snapshotWith,
} from "../plan/builders.js";
import { parseApplyJson } from "../reliability/fixtures/report.js";
import { runVolplan } from "../reliability/fixtures/run-apply.js";
import { mountTmpfs } from "../helpers/mounts.js";
import { blkid } from "../helpers/blkid.js";
import { canMount } from "../helpers/privilege.js";
import type { TestFs } from "../helpers/mounts.js";

const T = { timeout: 120_000 };

describe("promises and mismatches", () => {
  const volume = desiredVolume({
    size: 16 * GIB,
    allocation: "preallocate",
    format: { label: "root" },
  });
  const desired = desiredState({ volumes: [volume] });
  const before = snapshotWith({ desired });
  const made = plan(desired, before);
  const report: ApplyReport = {
    results: made.actions.map((a) => ({
      kind: a.kind,
      subject: volume.id,
      path: a.path,
      status: "done",
      durationMs: 1,
    })),
    totals: { done: 1, failed: 0, skipped: 0, refused: 0, unchanged: 0 },
    durationMs: 1,
  };
  const [promised] = promisesOf({ plan: made, report, desired });
  const asMade = observedFile({
    size: 16 * GIB,
    allocated: 16 * GIB,
    filesystem: foundFs(16 * GIB, { label: "root" }),
  });

  it.each([
    { name: "as promised", entry: asMade, want: [] },
    {
      name: "smaller",
      entry: { ...asMade, size: 8 * GIB, filesystem: foundFs(8 * GIB, { label: "root" }) },
      want: ["it is 8 GiB (8589934592 bytes), not 16 GiB"],
    },
    {
      name: "sparse",
      entry: { ...asMade, allocated: 10 * MIB },
      want: ["only 10 MiB of it is allocated"],
    },
    {
      name: "another label",
      entry: { ...asMade, filesystem: foundFs(16 * GIB, { label: "base" }) },
      want: ['its label is "base", not "root"'],
    },
    {
      name: "a filesystem that does not fill it",
      entry: { ...asMade, filesystem: foundFs(1 * GIB, { label: "root" }) },
      want: ["its ext4 filesystem spans 1 GiB of the image's 16 GiB"],
    },
    {
      name: "another owner and mode",
      entry: { ...asMade, uid: 7, mode: 0o644 },
      want: ["it has uid 7, gid 0, mode 0644, not uid 0, gid 0, mode 0600"],
    },
    {
      name: "gone",
      entry: { type: "missing" as const },
      want: ["there is nothing at the path, not an image file"],
    },
    {
      name: "swapped for a symlink",
      entry: { type: "symlink" as const, target: "/root/victim.img" },
      want: ['the path is a symlink to "/root/victim.img", not an image file'],
    },
  ])("$name", ({ entry, want }) => {
    const after = snapshotWith({ desired, volumes: { [volume.id]: { entry } } });
    expect(mismatches(promised!, after).map((m) => m.text)).toEqual(want);
  });

  it("promises nothing for a volume whose step failed (the failure is reported already)", () => {
    const failed: ApplyReport = {
      ...report,
      results: report.results.map((r) => ({ ...r, status: "failed" as const })),
    };
    expect(promisesOf({ plan: made, report: failed, desired })).toEqual([]);
  });
});

describe("promises and mismatches of a qcow2 overlay", () => {
  const BASE = "/nix/store/abc-base.img";
  const volume = desiredVolume({
    size: 16 * GIB,
    imageFormat: "qcow2",
    growFilesystem: "guest",
    seed: { from: BASE, mode: "backing" },
  });
  const desired = desiredState({ volumes: [volume] });
  const made = plan(
    desired,
    snapshotWith({ desired, seeds: [seedImage(BASE, { image: { format: "raw" } })] }),
  );
  const report: ApplyReport = {
    results: made.actions.map((a) => ({
      kind: a.kind,
      subject: volume.id,
      path: a.path,
      status: "done",
      durationMs: 1,
    })),
    totals: { done: 1, failed: 0, skipped: 0, refused: 0, unchanged: 0 },
    durationMs: 1,
  };
  const [promised] = promisesOf({ plan: made, report, desired });
  const header = {
    format: "qcow2" as const,
    version: 3,
    virtualSize: 16 * GIB,
    clusterSize: 65536,
    backing: { file: BASE, format: "raw" },
    dirty: false,
    corrupt: false,
    unsupported: null,
  };
  const asMade = observedFile({ size: 16 * GIB, allocated: MIB, filesystem: null, image: header });

  it.each([
    { name: "as promised", entry: asMade, want: [] },
    {
      name: "raw",
      entry: { ...asMade, image: { format: "raw" as const } },
      want: ["it has no qcow2 header"],
    },
    {
      name: "another backing file",
      entry: { ...asMade, image: { ...header, backing: { file: "/other", format: "raw" } } },
      want: [
        `it records {"file":"/other","format":"raw"} as its backing file, not {"file":"${BASE}","format":"raw"}`,
      ],
    },
    {
      name: "corrupt",
      entry: { ...asMade, image: { ...header, corrupt: true } },
      want: ["its header is marked corrupt"],
    },
  ])("$name", ({ entry, want }) => {
    expect(made.actions.map((a) => a.kind)).toEqual(["seed"]);
    const after = snapshotWith({ desired, volumes: { [volume.id]: { entry } } });
    expect(mismatches(promised!, after).map((m) => m.text)).toEqual(want);
  });
});

describe.runIf(canMount())("apply fails a volume that is not as promised", () => {
  let host: TestFs;
  let bin: string;
  let work: string;
  beforeAll(async () => {
    host = await mountTmpfs(1024 * MIB);
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-verify-"));
    // Stand-in tools that report success and do nothing: what a broken tool or a bug looks like.
    bin = path.join(work, "bin");
    await mkdir(bin);
    for (const tool of ["resize2fs", "e2label"]) {
      await writeFile(path.join(bin, tool), "#!/bin/sh\nexit 0\n");
      await chmod(path.join(bin, tool), 0o755);
    }
  }, 60_000);
  afterAll(async () => {
    await host?.cleanup();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  async function manifest(name: string, volumes: Record<string, unknown>): Promise<string> {
    const file = path.join(work, `${name}.json`);
    await writeFile(
      file,
      JSON.stringify({ version: 1, stateDir: path.join(work, "state"), volumes }),
    );
    return file;
  }

  it("a resize2fs that grew nothing: exit 1, the volume failed with what differs", async () => {
    const image = path.join(host.mountPoint, "grow.img");
    await execa("truncate", ["-s", String(64 * MIB), image], T);
    await execa("mkfs.ext4", ["-F", "-q", image], T);
    const file = await manifest("grow", {
      "vm/root": { path: image, size: "256MiB", format: { type: "ext4" } },
    });
    const result = await runVolplan(["apply", "--manifest", file, "--json"], bin);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const json = parseApplyJson(result.stdout, result.stderr);
    const failed = json.report?.results.filter((r) => r.status === "failed") ?? [];
    expect(failed).toMatchObject([{ kind: "grow-filesystem", error: { code: "VERIFY_MISMATCH" } }]);
    expect(failed[0]?.error?.message).toContain(
      "its ext4 filesystem spans 64 MiB of the image's 256 MiB",
    );
  });

  it("a relabel that did nothing: exit 1, the seeded volume failed naming the label", async () => {
    const base = path.join(host.mountPoint, "base.img");
    await execa("truncate", ["-s", String(64 * MIB), base], T);
    await execa("mkfs.ext4", ["-F", "-q", "-L", "base", base], T);
    const image = path.join(host.mountPoint, "seeded.img");
    const file = await manifest("seed", {
      "vm/seeded": {
        path: image,
        size: "64MiB",
        format: { type: "ext4", label: "root" },
        seed: { from: base },
      },
    });
    const result = await runVolplan(["apply", "--manifest", file, "--json"], bin);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const json = parseApplyJson(result.stdout, result.stderr);
    const failed = json.report?.results.filter((r) => r.status === "failed") ?? [];
    expect(failed).toMatchObject([{ kind: "seed", error: { code: "VERIFY_MISMATCH" } }]);
    expect(failed[0]?.error?.message).toContain('its label is "base", not "root"');
    expect(await blkid(image)).toMatchObject({ LABEL: "base" });
  });
});
