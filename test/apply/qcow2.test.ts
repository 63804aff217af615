// qcow2 volumes through the CLI on real images: created lean and checked clean, grown with their
// data kept, thin overlays that read their base, refusals (shrink, backing drift, a raw file, an
// image in use), and after each apply a plan with nothing to do. qemu-img and qemu-io are the
// independent judges of what volplan wrote.
import { createHash } from "node:crypto";
import {
  chmod,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import { execaRunner } from "../../src/host/runner.js";
import type { Runner } from "../../src/host/runner.js";
import { observe } from "../../src/observe/observe.js";
import { plan } from "../../src/plan/plan.js";
import { blkid } from "../helpers/blkid.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";
import { OFD_LOCKER, startPython } from "../helpers/holder-process.js";
import { mountLoopFs, mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { planExit, volumeCases } from "../helpers/volume-cases.js";
import { tempDir } from "../helpers/temp-dir.js";
import { qemuCheck, qemuImg, qemuInfo } from "../helpers/qemu-img.js";
import { parseApplyJson } from "../reliability/fixtures/report.js";
import { crash, runVolplan, startVolplan } from "../reliability/fixtures/run-apply.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const T = { timeout: 120_000 };

async function qemuIo(file: string, command: string): Promise<string> {
  const result = await execa("qemu-io", ["-f", "qcow2", "-c", command, file], T);
  return result.stdout;
}

async function sha(file: string, length: number): Promise<string> {
  return createHash("sha256")
    .update((await readFile(file)).subarray(0, length))
    .digest("hex");
}

describe.runIf(canMount() || process.env["CI"] === "true")(
  "qcow2 volumes (the CLI on real images)",
  () => {
    let host: TestFs;
    let work: string;
    let n = 0;
    beforeAll(async () => {
      host = await mountTmpfs(3 * GiB);
      work = await mkdtemp(path.join(os.tmpdir(), "volplan-qcow2-"));
    }, 60_000);
    afterAll(async () => {
      await host?.cleanup();
      if (work !== undefined) await rm(work, { recursive: true, force: true });
    });

    // A fresh directory on the tmpfs and a manifest (kept off it) for `volumes`.
    const setup = volumeCases(() => ({ images: host.mountPoint, work }));

    async function apply(manifest: string) {
      const result = await runVolplan(["apply", "--manifest", manifest, "--json"]);
      return { result, json: parseApplyJson(result.stdout, result.stderr) };
    }

    it.each([
      ["ext4", { type: "ext4", label: "root" }],
      ["xfs", { type: "xfs", label: "data" }],
    ] as const)(
      "creates a lean 1 GiB %s qcow2 image, clean, with its filesystem and label inside",
      async (type, format) => {
        const c = await setup({
          "vm/disk": { path: "disk.qcow2", size: "1GiB", imageFormat: "qcow2", format },
        });
        const { result, json } = await apply(c.manifest);
        expect(result.exitCode, result.stdout + result.stderr).toBe(0);
        expect(json.plan.actions).toMatchObject([{ kind: "create", image_format: "qcow2" }]);
        const info = await qemuInfo(c.at("disk.qcow2"));
        expect(info).toMatchObject({ format: "qcow2", "virtual-size": GiB });
        expect(info["backing-filename"]).toBeUndefined();
        const allocated = (await stat(c.at("disk.qcow2"))).blocks * 512;
        expect(allocated).toBeLessThan(16 * MiB);
        expect(await qemuCheck(c.at("disk.qcow2"))).toMatchObject({ exitCode: 0 });
        const raw = path.join(work, `disk-${n}.raw`);
        await qemuImg(["convert", "-f", "qcow2", "-O", "raw", c.at("disk.qcow2"), raw]);
        expect(await blkid(raw)).toMatchObject({ TYPE: type, LABEL: format.label });
        await rm(raw);
        expect((await stat(c.at("disk.qcow2"))).mode & 0o7777).toBe(0o600);
        expect(await readdir(c.dir)).toEqual(["disk.qcow2"]);
        expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
      },
    );

    it.each([
      ["ext4", GiB],
      ["xfs", GiB],
      ["btrfs", GiB],
      ["ext4", 50 * GiB],
      ["xfs", 50 * GiB],
    ] as const)(
      "budgets the peak of a %s qcow2 create of %d bytes (raw temp and converted image side by side)",
      async (type, size) => {
        const c = await setup({
          "vm/disk": { path: "disk.qcow2", size, imageFormat: "qcow2", format: { type } },
        });
        const planned = await runVolplan(["plan", "--manifest", c.manifest, "--json"]);
        const budget = (
          JSON.parse(planned.stdout) as { actions: { consumes: { bytes: number } }[] }
        ).actions[0]!.consumes.bytes;
        const run = startVolplan({
          args: ["apply", "--manifest", c.manifest],
          stopAt: "create:after-convert",
        });
        expect(await run.stopped).toBe("create:after-convert");
        let peak = 0;
        for (const name of await readdir(c.dir)) peak += (await stat(c.at(name))).blocks * 512;
        await crash(run);
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThanOrEqual(budget);
        expect((await apply(c.manifest)).result.exitCode).toBe(0);
        expect((await stat(c.at("disk.qcow2"))).blocks * 512).toBeLessThanOrEqual(budget);
      },
    );

    it("creates an empty qcow2 image for format none", async () => {
      const c = await setup({
        "vm/disk": {
          path: "disk.qcow2",
          size: "2GiB",
          imageFormat: "qcow2",
          format: { type: "none" },
        },
      });
      const { result } = await apply(c.manifest);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(await qemuInfo(c.at("disk.qcow2"))).toMatchObject({ "virtual-size": 2 * GiB });
      expect((await stat(c.at("disk.qcow2"))).blocks * 512).toBeLessThan(MiB);
      expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
    });

    it("grows the virtual size with qemu-img resize, keeping the data; never shrinks", async () => {
      const volume = { path: "disk.qcow2", imageFormat: "qcow2", format: { type: "ext4" } };
      const c = await setup({ "vm/disk": { ...volume, size: "256MiB" } });
      expect((await apply(c.manifest)).result.exitCode).toBe(0);
      await qemuIo(c.at("disk.qcow2"), "write -P 0xab 200M 1M");
      await c.write({ "vm/disk": { ...volume, size: "1GiB" } });
      const planned = await planExit(c.manifest);
      expect(planned.code).toBe(2);
      expect(planned.out).toContain("qemu-img resize");
      expect(planned.out).toMatch(/grown by the guest|grows it at boot/);
      const { result, json } = await apply(c.manifest);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(json.plan.actions).toMatchObject([{ kind: "grow-image", image_format: "qcow2" }]);
      expect(await qemuInfo(c.at("disk.qcow2"))).toMatchObject({ "virtual-size": GiB });
      expect(await qemuIo(c.at("disk.qcow2"), "read -P 0xab 200M 1M")).toContain(
        "read 1048576/1048576",
      );
      expect(await qemuCheck(c.at("disk.qcow2"))).toMatchObject({ exitCode: 0 });
      expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
      // Shrinking is refused; the image stays as it is.
      await c.write({ "vm/disk": { ...volume, size: "512MiB" } });
      const shrink = await apply(c.manifest);
      expect(shrink.result.exitCode).toBe(3);
      expect(shrink.json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "shrink" }]);
      expect(await qemuInfo(c.at("disk.qcow2"))).toMatchObject({ "virtual-size": GiB });
    });

    it("does not grow an image a running process holds (an OFD lock, as QEMU takes)", async () => {
      const volume = { path: "disk.qcow2", imageFormat: "qcow2", format: { type: "ext4" } };
      const c = await setup({ "vm/disk": { ...volume, size: "256MiB" } });
      expect((await apply(c.manifest)).result.exitCode).toBe(0);
      await c.write({ "vm/disk": { ...volume, size: "512MiB" } });
      const helper = await startPython(OFD_LOCKER, [c.at("disk.qcow2")]);
      try {
        const { result, json } = await apply(c.manifest);
        expect(result.exitCode).toBe(3);
        expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "in-use" }]);
      } finally {
        await helper.stop();
      }
      expect(await qemuInfo(c.at("disk.qcow2"))).toMatchObject({ "virtual-size": 256 * MiB });
    });

    it("makes a thin overlay of a base: backing recorded, tiny, reading the base's data", async () => {
      const base = path.join(host.mountPoint, `base-${++n}.img`);
      await execa("truncate", ["-s", String(64 * MiB), base], T);
      await execa("mkfs.ext4", ["-F", "-q", "-L", "base", base], T);
      await execa(
        "dd",
        ["if=/dev/urandom", `of=${base}`, "bs=1M", "seek=40", "count=8", "conv=notrunc"],
        T,
      );
      const volume = {
        path: "vm.qcow2",
        size: "256MiB",
        imageFormat: "qcow2",
        format: { type: "ext4", label: "base" },
        seed: { from: base, mode: "backing" },
      };
      const c = await setup({ "vm/root": volume });
      const { result, json } = await apply(c.manifest);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(json.plan.actions).toMatchObject([
        { kind: "seed", mode: "backing", backing_format: "raw", from: base },
      ]);
      expect(await qemuInfo(c.at("vm.qcow2"))).toMatchObject({
        "virtual-size": 256 * MiB,
        "backing-filename": base,
        "backing-filename-format": "raw",
      });
      expect((await stat(c.at("vm.qcow2"))).blocks * 512).toBeLessThan(MiB);
      const raw = path.join(work, `overlay-${n}.raw`);
      await qemuImg(["convert", "-f", "qcow2", "-O", "raw", c.at("vm.qcow2"), raw]);
      expect(await sha(raw, 64 * MiB)).toBe(await sha(base, 64 * MiB));
      await rm(raw);
      expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
      // Another base declared: refused, never rebased.
      const other = path.join(host.mountPoint, `other-${n}.img`);
      await execa("cp", ["--sparse=always", base, other], T);
      await c.write({ "vm/root": { ...volume, seed: { from: other, mode: "backing" } } });
      const drift = await apply(c.manifest);
      expect(drift.result.exitCode).toBe(3);
      expect(drift.json.plan.actions).toMatchObject([
        { kind: "refuse", refusal: "backing-differs" },
      ]);
      expect(await qemuInfo(c.at("vm.qcow2"))).toMatchObject({ "backing-filename": base });
      // The base gone: refused.
      await c.write({ "vm/root": volume });
      await rm(base);
      const gone = await apply(c.manifest);
      expect(gone.result.exitCode).toBe(3);
      expect(gone.json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "seed-missing" }]);
    });

    it("converts a qcow2 base into a standalone qcow2 copy, grown to the declared size", async () => {
      const base = path.join(host.mountPoint, `base-${++n}.qcow2`);
      await qemuImg(["create", "-f", "qcow2", base, "64M"]);
      await qemuIo(base, "write -P 0x5a 1M 2M");
      const c = await setup({
        "vm/root": {
          path: "copy.qcow2",
          size: "128MiB",
          imageFormat: "qcow2",
          format: { type: "none" },
          seed: { from: base },
        },
      });
      const { result, json } = await apply(c.manifest);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(json.plan.actions).toMatchObject([
        { kind: "seed", mode: "copy", backing_format: "qcow2" },
      ]);
      const info = await qemuInfo(c.at("copy.qcow2"));
      expect(info).toMatchObject({ "virtual-size": 128 * MiB });
      expect(info["backing-filename"]).toBeUndefined();
      expect(await qemuIo(c.at("copy.qcow2"), "read -P 0x5a 1M 2M")).toContain(
        "read 2097152/2097152",
      );
      expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
    });

    it("fails, writing nothing, when qemu-img check finds errors (before a resize, after a create)", async () => {
      // A stand-in qemu-img whose check reports corruption (exit 2); every other command is real.
      const bin = path.join(work, `bin-${++n}`);
      await mkdir(bin);
      await writeFile(
        path.join(bin, "qemu-img"),
        `#!/bin/sh\nif [ "$1" = check ]; then echo "ERROR cluster 5 refcount=0 reference=1" >&2; exit 2; fi\nexec /usr/bin/qemu-img "$@"\n`,
      );
      await chmod(path.join(bin, "qemu-img"), 0o755);
      const volume = { path: "disk.qcow2", imageFormat: "qcow2", format: { type: "none" } };
      const c = await setup({ "vm/disk": { ...volume, size: "64MiB" } });
      const created = await runVolplan(["apply", "--manifest", c.manifest, "--json"], bin);
      expect(created.exitCode).toBe(1);
      expect(parseApplyJson(created.stdout, created.stderr).report?.results).toMatchObject([
        { kind: "create", status: "failed", error: { code: "QCOW2_CHECK_FAILED" } },
      ]);
      expect(await readdir(c.dir)).toEqual([]);
      expect((await apply(c.manifest)).result.exitCode).toBe(0);
      await c.write({ "vm/disk": { ...volume, size: "128MiB" } });
      const grown = await runVolplan(["apply", "--manifest", c.manifest, "--json"], bin);
      expect(grown.exitCode).toBe(1);
      expect(parseApplyJson(grown.stdout, grown.stderr).report?.results).toMatchObject([
        { kind: "grow-image", status: "failed", error: { code: "QCOW2_CHECK_FAILED" } },
      ]);
      expect(await qemuInfo(c.at("disk.qcow2"))).toMatchObject({ "virtual-size": 64 * MiB });
    });

    it("hands qemu-img volplan's descriptors, never an image's name (only an overlay's base by path)", async () => {
      const dir = path.join(host.mountPoint, `case-${++n}`);
      await mkdir(dir, { mode: 0o755 });
      const base = path.join(host.mountPoint, `base-${n}.img`);
      await execa("truncate", ["-s", String(32 * MiB), base], T);
      await qemuImg(["create", "-f", "qcow2", path.join(dir, "grow.qcow2"), "32M"]);
      const qcow2 = { imageFormat: "qcow2" as const, growFilesystem: "guest" as const };
      const desired = desiredState({
        stateDir: path.join(work, `state-${n}`),
        volumes: [
          desiredVolume({ ...qcow2, id: "a", path: path.join(dir, "a.qcow2"), size: 64 * MiB }),
          desiredVolume({
            ...qcow2,
            id: "b",
            path: path.join(dir, "b.qcow2"),
            size: 64 * MiB,
            format: { type: "none" },
            seed: { from: base, mode: "backing" },
          }),
          desiredVolume({
            ...qcow2,
            id: "c",
            path: path.join(dir, "c.qcow2"),
            size: 64 * MiB,
            format: { type: "none" },
            seed: { from: base },
          }),
          desiredVolume({
            ...qcow2,
            id: "d",
            path: path.join(dir, "grow.qcow2"),
            size: 64 * MiB,
            format: { type: "none" },
          }),
        ],
      });
      const calls: string[][] = [];
      const runner: Runner = (command, args, options) => {
        calls.push([command, ...args]);
        return execaRunner(command, args, options);
      };
      const planned = plan(desired, await observe(desired));
      const report = await applyPlan({ plan: planned, desired, options: { runner } });
      expect(report.results.map((r) => `${r.kind} ${r.status}`)).toEqual([
        "create done",
        "seed done",
        "seed done",
        "grow-image done",
        "set-ownership done",
      ]);
      const qemu = calls.filter(([command]) => command === "qemu-img");
      expect(qemu.map((call) => call[1])).toEqual([
        "convert",
        "check",
        "create",
        "check",
        "convert",
        "resize",
        "check",
        "check",
        "resize",
      ]);
      const own = new RegExp(`^/proc/${process.pid}/fd/\\d+$`);
      for (const call of qemu) {
        // check and resize open an image without its backing file (a json: name around the descriptor).
        const specs = call
          .filter((arg) => arg.startsWith("json:"))
          .map((arg) => JSON.parse(arg.slice("json:".length)) as { file: { filename: string } });
        for (const spec of specs) expect(spec).toMatchObject({ driver: "qcow2", backing: null });
        if (call[1] === "check") expect(specs.length, call.join(" ")).toBe(1);
        const paths = [
          ...call.filter((arg) => arg.startsWith("/")),
          ...specs.map((spec) => spec.file.filename),
        ];
        const named = paths.filter((arg) => !own.test(arg));
        // The one name: the base an overlay records, after -b.
        expect(named, call.join(" ")).toEqual(call.includes("-b") ? [base] : []);
        expect(paths.length, call.join(" ")).toBeGreaterThan(0);
      }
    });

    it("checks and grows an overlay without opening its backing file: a name written into it after the plan is never opened", async () => {
      const dir = path.join(host.mountPoint, `case-${++n}`);
      await mkdir(dir, { mode: 0o755 });
      const base = path.join(host.mountPoint, `base-${n}.img`);
      await execa("truncate", ["-s", String(32 * MiB), base], T);
      const image = path.join(dir, "over.qcow2");
      await qemuImg(["create", "-f", "qcow2", "-b", base, "-F", "raw", image, "32M"]);
      const desired = desiredState({
        stateDir: path.join(work, `state-${n}`),
        volumes: [
          desiredVolume({
            id: "o",
            path: image,
            size: 64 * MiB,
            imageFormat: "qcow2",
            growFilesystem: "guest",
            format: { type: "none" },
            seed: { from: base, mode: "backing" },
          }),
        ],
      });
      const planned = plan(desired, await observe(desired));
      expect(planned.actions.map((a) => a.kind)).toEqual(["grow-image", "set-ownership"]);
      // The image's owner now names another file as its backing file (same length, in place);
      // a FIFO, which would hang whoever opened it.
      const header = await readFile(image);
      const [offset, length] = [Number(header.readBigUInt64BE(8)), header.readUInt32BE(16)];
      const fifo = path.join(dir, "f".repeat(Math.max(1, length - dir.length - 1)));
      await execa("mkfifo", [fifo], T);
      const handle = await open(image, "r+");
      await handle.write(Buffer.from(fifo), 0, length, offset);
      await handle.close();
      expect((await qemuInfo(image))["backing-filename"]).toBe(fifo);

      const report = await applyPlan({ plan: planned, desired });
      expect(report.results.map((r) => `${r.kind} ${r.status}`)).toEqual([
        "grow-image done",
        "set-ownership done",
      ]);
      // Grown, the name left as its owner wrote it; the next plan refuses it (never rebased).
      expect((await qemuInfo(image))["virtual-size"]).toBe(64 * MiB);
      const next = plan(desired, await observe(desired));
      expect(next.actions).toMatchObject([{ kind: "refuse", refusal: "backing-differs" }]);
    });

    it("makes a new qcow2 image on btrfs without copy-on-write, as a raw one", async () => {
      const btrfs = await mountLoopFs("btrfs", 512 * MiB);
      try {
        const file = path.join(btrfs.mountPoint, "disk.qcow2");
        const manifest = path.join(work, `manifest-btrfs.json`);
        const volume = { path: file, size: "1GiB", imageFormat: "qcow2", format: { type: "ext4" } };
        const stateDir = path.join(work, "state-btrfs");
        await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes: { v: volume } }));
        const { result } = await apply(manifest);
        expect(result.exitCode, result.stdout + result.stderr).toBe(0);
        const attributes = (await execa("lsattr", ["-d", file], T)).stdout.split(" ")[0] ?? "";
        expect(attributes).toContain("C");
        expect(await qemuCheck(file)).toMatchObject({ exitCode: 0 });
        expect(await planExit(manifest)).toMatchObject({ code: 0 });
      } finally {
        await btrfs.cleanup();
      }
    });

    it.each(["copy", "backing"] as const)(
      "refuses (%s) a qcow2 base that has a backing file of its own: qemu-img would read it as root",
      async (mode) => {
        // A root-only secret, named as the base's own backing file through a json: name.
        const secretDir = await tempDir("volplan-secret-");
        const secret = path.join(secretDir, "key");
        await writeFile(secret, Buffer.alloc(MiB, "S"));
        await chmod(secretDir, 0o700);
        const base = path.join(host.mountPoint, `chained-${++n}.qcow2`);
        const json = `json:{"driver":"raw","file":{"driver":"file","filename":"${secret}"}}`;
        await qemuImg(["create", "-f", "qcow2", "-u", "-b", json, "-F", "raw", base, "64M"]);
        await chmod(base, 0o644);
        const c = await setup({
          "vm/root": {
            path: "leak.qcow2",
            size: "128MiB",
            imageFormat: "qcow2",
            format: { type: "none" },
            seed: { from: base, mode },
            owner: "nobody",
            mode: "0644",
          },
        });
        const { result, json: report } = await apply(c.manifest);
        expect(result.exitCode, result.stdout + result.stderr).toBe(3);
        expect(report.plan.actions).toMatchObject([{ kind: "refuse", refusal: "seed-unusable" }]);
        expect(result.stdout).toContain("flatten the base yourself");
        expect(await readdir(c.dir)).toEqual([]);
      },
    );

    it("refuses a raw image where qcow2 is declared, and leaves it as it is", async () => {
      const c = await setup({
        "vm/disk": {
          path: "disk.img",
          size: "64MiB",
          imageFormat: "qcow2",
          format: { type: "ext4" },
        },
      });
      await execa("truncate", ["-s", String(64 * MiB), c.at("disk.img")], T);
      await execa("mkfs.ext4", ["-F", "-q", c.at("disk.img")], T);
      const before = await sha(c.at("disk.img"), 64 * MiB);
      const { result, json } = await apply(c.manifest);
      expect(result.exitCode).toBe(3);
      expect(json.plan.actions).toMatchObject([
        { kind: "refuse", refusal: "image-format-differs" },
      ]);
      expect(await sha(c.at("disk.img"), 64 * MiB)).toBe(before);
    });
  },
);
