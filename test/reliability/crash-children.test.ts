// kill -9 inside volplan's children (e2fsck, resize2fs, mkfs, cp, mount, xfs_growfs, btrfs):
// the whole process group, or volplan's pid alone (its child then keeps the host locked until it
// ends). Every next run converges: e2fsck -fn clean, data intact, nothing left mounted.
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isHostLockHeld } from "../../src/host/lock.js";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";
import { mountTmpfs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import type { TestFs } from "../helpers/mounts.js";
import { debugfsSha, debugfsWrite, releaseLoopsUnder } from "./fixtures/checks.js";
import { fsckProblem } from "../helpers/images.js";
import { seededRandom, seedFromEnv } from "./fixtures/prng.js";
import { crash, runVolplan, startVolplan } from "./fixtures/run-apply.js";
import type { Running } from "./fixtures/run-apply.js";
import { alive, standIn } from "./fixtures/stand-ins.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const T = { timeout: 300_000 };
// What the strace-injected crashes grow the 64 MiB (1 KiB block) ext4 to: ~300 writes of resize2fs.
const INJECT_SIZE = 16 * 1024 * MiB;

/** What one targeted case builds, and how its end state is checked after recovery. */
interface Scenario {
  /** The child to kill inside. */
  readonly tool: string;
  /** The image name and its manifest entry (path filled in). */
  readonly image: string;
  readonly volume: Record<string, unknown>;
  /** Up to how many milliseconds after the child continues the kill falls ("mid" timing). */
  readonly within: number;
  /** Makes what must exist before apply. */
  prepare(dir: string): Promise<void>;
  /** Problems with the converged image (empty when it is as declared and intact). */
  check(file: string): Promise<string[]>;
}

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

async function extProblems(file: string, size: number): Promise<string[]> {
  const problems: string[] = [];
  const fsck = await fsckProblem(file, "ext4");
  if (fsck !== null) problems.push(fsck);
  const header = (await execa("dumpe2fs", ["-h", file], T)).stdout;
  const blocks = Number(/^Block count:\s+(\d+)/m.exec(header)?.[1]);
  const block = Number(/^Block size:\s+(\d+)/m.exec(header)?.[1]);
  if (blocks * block + 16 * MiB < size)
    problems.push(`ext spans ${blocks * block} of ${size} bytes`);
  return problems;
}

describe.runIf(canMount())("kill -9 inside volplan's children", () => {
  let host: TestFs;
  let work: string;
  let known: { file: string; sha: string };
  let seedBase: { file: string; sha: string };
  let n = 0;
  const seed = seedFromEnv();
  const random = seededRandom(seed);

  beforeAll(async () => {
    console.log(`targeted kills: VOLPLAN_TEST_SEED=${seed}`);
    host = await mountTmpfs(6 * GiB);
    work = await mkdtemp(path.join(host.mountPoint, "work-"));
    const file = path.join(work, "known.bin");
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
    await writeFile(file, bytes);
    known = { file, sha: sha256(bytes) };
    const base = path.join(work, "seed-base.img");
    const content = Buffer.from(
      Array.from({ length: 96 * MiB }, (_, i) => (i * 31 + (i >> 20)) % 256),
    );
    await writeFile(base, content);
    await chmod(base, 0o644);
    seedBase = { file: base, sha: sha256(content) };
  }, 120_000);
  afterAll(async () => {
    if (host === undefined) return;
    await releaseLoopsUnder(host.mountPoint);
    await host.cleanup();
  });

  // A 64 MiB ext4 (1 KiB blocks, as mke2fs makes small images) with a known file, declared
  // 100 GiB: resize2fs runs a while.
  const bigGrow: Omit<Scenario, "tool" | "within"> = {
    image: "big.img",
    volume: { size: "100GiB", format: { type: "ext4" } },
    prepare: async (dir) => {
      const file = path.join(dir, "big.img");
      await execa("truncate", ["-s", String(64 * MiB), file], T);
      // As volplan makes it (lean, resize reserve capped at 128×): growing it 256× moves metadata.
      const mkfs = mkfsCommand({
        type: "ext4",
        label: null,
        uuid: null,
        mkfsArgs: [],
        path: file,
        size: 64 * MiB,
      });
      await execa(mkfs!.file, mkfs!.args, T);
      await debugfsWrite({ image: file, source: known.file, name: "known.bin" });
      await chmod(file, 0o600);
    },
    check: async (file) => {
      const problems = await extProblems(file, 100 * GiB);
      if ((await debugfsSha(file, "known.bin")) !== known.sha) problems.push("known.bin changed");
      return problems;
    },
  };
  const newExt4: Omit<Scenario, "tool" | "within"> = {
    image: "new.img",
    volume: { size: "1GiB", format: { type: "ext4", label: "fresh" } },
    prepare: () => Promise.resolve(),
    check: (file) => extProblems(file, 1 * GiB),
  };
  const newXfs: Omit<Scenario, "tool" | "within"> = {
    image: "new.img",
    volume: { size: "320MiB", format: { type: "xfs" } },
    prepare: () => Promise.resolve(),
    check: async (file) => [(await fsckProblem(file, "xfs")) ?? ""].filter((p) => p !== ""),
  };
  const seeded: Omit<Scenario, "tool" | "within"> = {
    image: "seeded.img",
    volume: { size: "128MiB", seed: { from: "" } },
    prepare: () => Promise.resolve(),
    check: async (file) => {
      const bytes = await readFile(file);
      const problems: string[] = [];
      if (bytes.length !== 128 * MiB) problems.push(`seeded.img is ${bytes.length} bytes`);
      if (sha256(bytes.subarray(0, 96 * MiB)) !== seedBase.sha)
        problems.push("the copy differs from the seed");
      if (bytes.subarray(96 * MiB).some((b) => b !== 0))
        problems.push("the grown tail is not zeros");
      return problems;
    },
  };
  const xfsGrow: Omit<Scenario, "tool" | "within"> = {
    image: "grow.xfs",
    volume: { size: "448MiB", format: { type: "xfs" }, growFilesystem: "host" },
    prepare: async (dir) => {
      const file = path.join(dir, "grow.xfs");
      await execa("truncate", ["-s", String(320 * MiB), file], T);
      await execa("mkfs.xfs", ["-f", "-q", file], T);
      await chmod(file, 0o600);
    },
    check: async (file) => {
      const problems = [(await fsckProblem(file, "xfs")) ?? ""].filter((p) => p !== "");
      const out = (
        await execa("xfs_db", ["-r", "-c", "sb 0", "-c", "p dblocks blocksize", file], T)
      ).stdout;
      const size =
        Number(/dblocks = (\d+)/.exec(out)?.[1]) * Number(/blocksize = (\d+)/.exec(out)?.[1]);
      if (size !== 448 * MiB) problems.push(`xfs spans ${size} bytes`);
      return problems;
    },
  };
  const btrfsGrow: Omit<Scenario, "tool" | "within"> = {
    image: "grow.btrfs",
    volume: { size: "256MiB", format: { type: "btrfs" }, growFilesystem: "host" },
    prepare: async (dir) => {
      const file = path.join(dir, "grow.btrfs");
      await execa("truncate", ["-s", String(128 * MiB), file], T);
      await execa("mkfs.btrfs", ["-f", "-q", file], T);
      await chmod(file, 0o600);
    },
    check: async (file) => {
      const problems: string[] = [];
      const checked = await execa("btrfs", ["check", "--readonly", file], {
        reject: false,
        all: true,
        ...T,
      });
      if (checked.exitCode !== 0) problems.push(`btrfs check: ${checked.all}`);
      const out = (await execa("btrfs", ["inspect-internal", "dump-super", file], T)).stdout;
      const size = Number(/^total_bytes\s+(\d+)/m.exec(out)?.[1]);
      if (size !== 256 * MiB) problems.push(`btrfs spans ${size} bytes`);
      return problems;
    },
  };

  const scenarios: Scenario[] = [
    { ...bigGrow, tool: "e2fsck", within: 200 },
    { ...bigGrow, tool: "resize2fs", within: 400 },
    { ...newExt4, tool: "mkfs.ext4", within: 100 },
    { ...newXfs, tool: "mkfs.xfs", within: 100 },
    { ...seeded, tool: "cp", within: 150 },
    { ...xfsGrow, tool: "mount", within: 50 },
    { ...xfsGrow, tool: "xfs_growfs", within: 50 },
    { ...btrfsGrow, tool: "btrfs", within: 50 },
  ];
  const cases = scenarios.flatMap((scenario) =>
    (["group", "main pid"] as const).flatMap((kill) =>
      (["at its start", "while it runs"] as const).map((when) => ({ scenario, kill, when })),
    ),
  );

  it.each(cases)(
    "killed inside $scenario.tool ($kill, $when): the next run converges",
    async ({ scenario, kill, when }) => {
      const dir = path.join(host.mountPoint, `case-${++n}`);
      await mkdir(dir, { mode: 0o755 });
      const stateDir = path.join(work, `state-${n}`);
      const manifest = path.join(work, `manifest-${n}.json`);
      const volume = { ...scenario.volume, path: path.join(dir, scenario.image) };
      if ("seed" in volume) volume.seed = { from: seedBase.file };
      await writeFile(
        manifest,
        JSON.stringify({ version: 1, stateDir, volumes: { "vm/disk": volume } }),
      );
      await scenario.prepare(dir);
      const tools = await standIn(path.join(work, `tools-${n}`), scenario.tool);
      const run = startVolplan({ args: ["apply", "--manifest", manifest], binDir: tools.bin });
      const problems: string[] = [];
      try {
        const child = await Promise.race([
          tools.stopped(),
          run.finished.then((r) =>
            Promise.reject(new Error(`apply ended first:\n${r.stdout}${r.stderr}`)),
          ),
        ]);
        const delay = Math.round(random() * scenario.within);
        if (when === "while it runs") {
          process.kill(child, "SIGCONT"); // stopped until now, so it is there
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
        if (kill === "group") {
          await crash(run);
        } else {
          problems.push(...(await killMainAlone({ run, child, stateDir, manifest })));
        }
        const again = await runVolplan(["apply", "--manifest", manifest]);
        if (again.exitCode !== 0)
          problems.push(
            `apply after the crash exited ${again.exitCode}:\n${again.stdout}${again.stderr}`,
          );
        const plan = await runVolplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
        if (plan.exitCode !== 0)
          problems.push(`plan after recovery exited ${plan.exitCode}:\n${plan.stdout}`);
        problems.push(...(await scenario.check(volume.path)));
        const left = (await readdir(dir)).filter((name) => name !== scenario.image);
        if (left.length > 0) problems.push(`left in the image directory: ${left.join(", ")}`);
        const grow = await readdir(path.join(stateDir, "grow")).catch(() => []);
        if (grow.length > 0) problems.push(`grow mount points left: ${grow.join(", ")}`);
        if (problems.length > 0) problems.unshift(`(seed ${seed}, delay ${delay} ms)`);
      } finally {
        const leaked = await releaseLoopsUnder(dir);
        if (leaked.length > 0)
          problems.push(`left attached or mounted after recovery: ${leaked.join(", ")}`);
        await rm(dir, { recursive: true, force: true });
      }
      expect(problems).toEqual([]);
    },
    300_000,
  );

  // strace kills resize2fs at its Nth pwrite (fault injection), then the stand-in kills the rest
  // of volplan's process group: a crash at a chosen point of resize2fs's writes. Which writes
  // leave the new block count with half-written metadata (e2fsck -fn exit 4, the state a next run
  // used to take for a grown filesystem) is found first on scratch copies, then those crashes
  // are run through volplan along with others spread over the resize.
  it("resize2fs killed at chosen writes with its whole process group: the next run repairs and converges", async () => {
    const strace = (
      await execa("sh", ["-c", "command -v strace"], { reject: false, ...T })
    ).stdout.trim();
    expect(strace, "strace is needed to kill resize2fs at a chosen write").not.toBe("");
    const real = (await execa("sh", ["-c", "command -v resize2fs"], T)).stdout.trim();
    const template = path.join(work, `inject-${++n}`);
    await mkdir(template);
    await bigGrow.prepare(template);
    const grown = path.join(work, "inject-scratch.img");
    const killedAt = async (
      write: number | null,
    ): Promise<{ blocks: number; broken: boolean; writes: number }> => {
      await execa("cp", ["--sparse=always", path.join(template, bigGrow.image), grown], T);
      await execa("truncate", ["-s", String(INJECT_SIZE), grown], T);
      await execa("e2fsck", ["-f", "-p", grown], T);
      const inject =
        write === null
          ? ["-c"]
          : ["-o", "/dev/null", "-e", `inject=pwrite64:signal=KILL:when=${write}`];
      const traced = await execa(strace, ["-f", ...inject, "-e", "trace=pwrite64", real, grown], {
        reject: false,
        all: true,
        ...T,
      });
      const header = (await execa("dumpe2fs", ["-h", grown], T)).stdout;
      const blocks = Number(/^Block count:\s+(\d+)/m.exec(header)?.[1]);
      const writes = Number(
        /^\s*\S+\s+\S+\s+\S+\s+(\d+)(?:\s+\d+)?\s+pwrite64$/m.exec(traced.all ?? "")?.[1] ?? 0,
      );
      return { blocks, broken: (await fsckProblem(grown, "ext4")) !== null, writes };
    };
    const { writes } = await killedAt(null);
    expect(writes).toBeGreaterThan(100);
    const dangerous: number[] = [];
    for (let write = writes - 60; write < writes; write++) {
      const after = await killedAt(write);
      if (after.broken && after.blocks * 1024 === INJECT_SIZE) dangerous.push(write);
    }
    // The window exists: without a repair, the next run would see a grown filesystem and do nothing.
    expect(dangerous.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const chosen = [1, Math.floor(writes / 2), dangerous[0]!, dangerous.at(-1)!];
    for (const write of [...new Set(chosen)]) {
      const dir = path.join(host.mountPoint, `case-${++n}`);
      await mkdir(dir, { mode: 0o755 });
      const stateDir = path.join(work, `state-${n}`);
      const manifest = path.join(work, `manifest-${n}.json`);
      const file = path.join(dir, bigGrow.image);
      const volumes = { "vm/disk": { ...bigGrow.volume, size: INJECT_SIZE, path: file } };
      await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes }));
      await execa("cp", ["--sparse=always", "-p", path.join(template, bigGrow.image), file], T);
      const bin = path.join(work, `tools-${n}`);
      await mkdir(bin);
      const script = [
        "#!/bin/sh",
        `'${strace}' -f -o /dev/null -e trace=pwrite64 -e inject=pwrite64:signal=KILL:when=${write} '${real}' "$@"`,
        "kill -KILL 0",
        "",
      ].join("\n");
      await writeFile(path.join(bin, "resize2fs"), script);
      await chmod(path.join(bin, "resize2fs"), 0o755);
      try {
        const run = await runVolplan(["apply", "--manifest", manifest], bin);
        if (run.signal !== "SIGKILL")
          problems.push(`write ${write}: apply was not killed (${run.exitCode})`);
        const again = await runVolplan(["apply", "--manifest", manifest]);
        if (again.exitCode !== 0)
          problems.push(
            `write ${write}: apply after the crash exited ${again.exitCode}:\n${again.stdout}${again.stderr}`,
          );
        const plan = await runVolplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
        if (plan.exitCode !== 0)
          problems.push(`write ${write}: plan exited ${plan.exitCode}:\n${plan.stdout}`);
        const fsck = await fsckProblem(file, "ext4");
        if (fsck !== null) problems.push(`write ${write}: ${fsck}`);
        if ((await debugfsSha(file, "known.bin")) !== known.sha)
          problems.push(`write ${write}: known.bin changed`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    expect(problems).toEqual([]);
  }, 600_000);

  // Kills volplan's pid alone. While its child lives, the host stays locked: a next run waits
  // (it does not plan against an image the child may still be writing) and goes on once it ends.
  async function killMainAlone(input: {
    run: Running;
    child: number;
    stateDir: string;
    manifest: string;
  }): Promise<string[]> {
    const { run, child, stateDir } = input;
    const problems: string[] = [];
    try {
      process.kill(run.pid, "SIGKILL");
    } catch {
      // It finished before the kill: the child ran to its end, nothing to wait for.
    }
    await run.finished;
    if (!(await alive(child))) return problems;
    // Checked in this order: a child that ends between the two checks is no finding.
    if (!isHostLockHeld(stateDir) && (await alive(child)))
      problems.push("the host lock was free while volplan's child still ran");
    const next = startVolplan({ args: ["apply", "--manifest", input.manifest] });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const early = await Promise.race([next.finished, Promise.resolve(null)]);
    if (early !== null && (await alive(child)))
      problems.push(
        `a run finished while volplan's child still ran:\n${early.stdout}${early.stderr}`,
      );
    try {
      process.kill(child, "SIGCONT");
    } catch {
      // It ended meanwhile.
    }
    const result = await next.finished;
    if (result.exitCode !== 0)
      problems.push(`the waiting run exited ${result.exitCode}:\n${result.stdout}${result.stderr}`);
    return problems;
  }
});
