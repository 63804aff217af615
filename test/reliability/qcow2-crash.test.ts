// kill -9 at every step boundary of qcow2 creates, overlays, copies and grows: each image is
// absent or complete (qemu-img check clean, the declared virtual size), never half written at
// its final path, and the next apply converges.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { qemuCheck, qemuImg, qemuInfo } from "../helpers/qemu-img.js";
import { crash, runVolplan, startVolplan } from "./fixtures/run-apply.js";
import { standIn } from "./fixtures/stand-ins.js";

const MiB = 1024 * 1024;
const T = { timeout: 120_000 };

/** The steps a qcow2 plan passes through, each killed once. */
const STEPS = [
  "create:after-open",
  "create:after-truncate",
  "create:after-mkfs",
  "create:after-convert",
  "create:after-check",
  "create:after-chown",
  "create:after-fsync",
  "create:after-link",
  "create:after-unlink-temp",
  "seed:after-open",
  "seed:after-copy",
  "seed:after-grow",
  "seed:after-check",
  "seed:after-fsync",
  "seed:after-link",
  "grow:after-check",
  "grow:after-qemu-resize",
  "grow:after-fsync",
];

// Image name → virtual sizes it may have (a grow killed midway: the old or the new one) and backing file.
interface Expect {
  readonly sizes: readonly number[];
  readonly backing?: string;
  readonly preexisting?: boolean;
}

describe.runIf(canMount() || process.env["CI"] === "true")("qcow2 apply under kill -9", () => {
  let host: TestFs;
  let base: string;
  let qbase: string;
  let n = 0;
  beforeAll(async () => {
    host = await mountTmpfs(2048 * MiB);
    base = path.join(host.mountPoint, "base.img");
    await execa("truncate", ["-s", String(64 * MiB), base], T);
    await execa("mkfs.ext4", ["-F", "-q", base], T);
    qbase = path.join(host.mountPoint, "base.qcow2");
    await qemuImg(["create", "-f", "qcow2", qbase, "32M"]);
  }, 60_000);
  afterAll(async () => {
    await host?.cleanup();
  });

  async function newCase() {
    const dir = path.join(host.mountPoint, `case-${++n}`);
    await mkdir(dir, { mode: 0o755 });
    const stateDir = await mkdtemp(path.join(host.mountPoint, "state-"));
    const manifest = path.join(host.mountPoint, `case-${n}.json`);
    const at = (name: string) => path.join(dir, name);
    await qemuImg(["create", "-f", "qcow2", at("grow.qcow2"), "64M"]);
    const volumes = {
      "a/create": { path: at("create.qcow2"), size: "1GiB", format: { type: "ext4" } },
      "b/overlay": {
        path: at("overlay.qcow2"),
        size: "128MiB",
        format: { type: "ext4" },
        seed: { from: base, mode: "backing" },
      },
      "c/copy": {
        path: at("copy.qcow2"),
        size: "64MiB",
        format: { type: "none" },
        seed: { from: qbase },
      },
      "d/grow": { path: at("grow.qcow2"), size: "128MiB", format: { type: "none" } },
    };
    const withFormat = Object.fromEntries(
      Object.entries(volumes).map(([id, v]) => [id, { ...v, imageFormat: "qcow2" }]),
    );
    await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes: withFormat }));
    const expected: Record<string, Expect> = {
      "create.qcow2": { sizes: [1024 * MiB] },
      "overlay.qcow2": { sizes: [128 * MiB], backing: base },
      "copy.qcow2": { sizes: [64 * MiB] },
      "grow.qcow2": { sizes: [64 * MiB, 128 * MiB], preexisting: true },
    };
    return { dir, manifest, expected };
  }

  // Complete or absent: every image at a final name is checked clean with its declared size.
  async function problemsIn(dir: string, expected: Record<string, Expect>): Promise<string[]> {
    const problems: string[] = [];
    const names = await readdir(dir);
    for (const name of names) {
      if (name.includes(".volplan-tmp-")) continue;
      const want = expected[name];
      if (want === undefined) {
        problems.push(`unexpected entry ${name}`);
        continue;
      }
      const file = path.join(dir, name);
      const check = await qemuCheck(file);
      if (check.exitCode !== 0)
        problems.push(`${name}: qemu-img check ${check.exitCode}: ${check.output}`);
      const info = await qemuInfo(file).catch((error: unknown) => String(error));
      if (typeof info === "string") {
        problems.push(`${name}: ${info}`);
        continue;
      }
      if (!want.sizes.includes(info["virtual-size"]))
        problems.push(`${name}: virtual size ${info["virtual-size"]}`);
      if (info["backing-filename"] !== want.backing)
        problems.push(`${name}: backing ${info["backing-filename"]}`);
    }
    for (const [name, want] of Object.entries(expected))
      if (want.preexisting === true && !names.includes(name)) problems.push(`${name} disappeared`);
    return problems;
  }

  it.each(STEPS)(
    "killed at %s",
    async (step) => {
      const c = await newCase();
      try {
        const run = startVolplan({ args: ["apply", "--manifest", c.manifest], stopAt: step });
        const stoppedAt = await run.stopped;
        if (stoppedAt === null) {
          const result = await run.finished;
          throw new Error(
            `never reached ${step}; exit ${result.exitCode}:\n${result.stdout}${result.stderr}`,
          );
        }
        await crash(run);
        expect(await problemsIn(c.dir, c.expected)).toEqual([]);
        const again = await runVolplan(["apply", "--manifest", c.manifest]);
        expect(again.exitCode, again.stdout + again.stderr).toBe(0);
        const plan = await runVolplan(["plan", "--manifest", c.manifest, "--detailed-exitcode"]);
        expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
        expect((await readdir(c.dir)).sort()).toEqual(Object.keys(c.expected).sort());
        expect(await problemsIn(c.dir, c.expected)).toEqual([]);
        for (const [name, want] of Object.entries(c.expected)) {
          const info = await qemuInfo(path.join(c.dir, name));
          expect(info["virtual-size"], name).toBe(want.sizes.at(-1));
        }
      } finally {
        await rm(c.dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
  // Inside qemu-img itself: the first qemu-img of the run (the convert of a 50 GiB ext4 image, or
  // the overlay's create) stops itself; the group is killed at its start or after some time.
  it.each([
    ["convert", 0],
    ["convert", 5],
    ["convert", 20],
    ["convert", 80],
    ["overlay create", 0],
    ["overlay create", 10],
  ] as const)(
    "killed inside qemu-img (%s, %d ms after it starts): the image absent or complete, then converges",
    async (what, delay) => {
      const dir = path.join(host.mountPoint, `case-${++n}`);
      await mkdir(dir, { mode: 0o755 });
      const stateDir = await mkdtemp(path.join(host.mountPoint, "state-"));
      const manifest = path.join(host.mountPoint, `case-${n}.json`);
      const image = path.join(dir, "disk.qcow2");
      const volume =
        what === "convert"
          ? { path: image, size: "50GiB", imageFormat: "qcow2", format: { type: "ext4" } }
          : {
              path: image,
              size: "1GiB",
              imageFormat: "qcow2",
              format: { type: "ext4" },
              seed: { from: base, mode: "backing" },
            };
      await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes: { v: volume } }));
      const tools = await standIn(path.join(host.mountPoint, `tools-${n}`), "qemu-img");
      const run = startVolplan({ args: ["apply", "--manifest", manifest], binDir: tools.bin });
      try {
        const child = await tools.stopped();
        if (delay > 0) {
          process.kill(child, "SIGCONT");
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
        await crash(run);
        // Absent, or (the run got that far before the kill) complete and checked clean.
        const complete: Expect =
          what === "convert"
            ? { sizes: [50 * 1024 * MiB] }
            : { sizes: [1024 * MiB], backing: base };
        expect(await problemsIn(dir, { "disk.qcow2": complete })).toEqual([]);
        const again = await runVolplan(["apply", "--manifest", manifest]);
        expect(again.exitCode, again.stdout + again.stderr).toBe(0);
        expect(await readdir(dir)).toEqual(["disk.qcow2"]);
        const check = await qemuCheck(image);
        expect(check.exitCode, check.output).toBe(0);
        const plan = await runVolplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
        expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
