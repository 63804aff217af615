import { readlinkSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import type { Runner } from "../../src/host/runner.js";
import type { StepName } from "../../src/apply/steps.js";
import { desiredState } from "../helpers/desired.js";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { createAction, planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
// apply reads only the state directory from the desired state, and none of these plans uses it.
const desired = desiredState({ volumes: [] });
const ext4 = { type: "ext4" as const, label: null, uuid: null, mkfs_args: [] };

describe.skipIf(!canMount())("space ledger on small tmpfs filesystems", () => {
  let small: TestFs;
  let other: TestFs;
  beforeAll(async () => {
    small = await mountTmpfs(64 * MiB);
    other = await mountTmpfs(64 * MiB);
  });
  afterAll(async () => {
    await small?.cleanup();
    await other?.cleanup();
  });

  it("stops a filesystem whose free space runs out before a step, and carries on elsewhere", async () => {
    const zero = (name: string, fs: TestFs) =>
      createAction({
        volume: `vm/${name}`,
        path: path.join(fs.mountPoint, `${name}.img`),
        filesystem: fs.id,
        size: 24 * MiB,
        allocation: "zero",
        consumes: { filesystem: fs.id, bytes: 24 * MiB },
      });
    const plan = planOf([zero("a", small), zero("b", small), zero("c", small), zero("d", other)]);
    const report = await applyPlan({ plan, desired, options: { jobs: 4 } });
    expect(report.results.map((r) => [r.subject, r.status, r.error?.code])).toEqual([
      ["vm/a", "done", undefined],
      ["vm/b", "done", undefined],
      ["vm/c", "skipped", "NO_SPACE"],
      ["vm/d", "done", undefined],
    ]);
    expect(report.results[2]?.error?.message).toMatch(
      /ran out of space: vm\/c needs 24 MiB plus the 0 B reserve, [\d.]+ MiB free/,
    );
    expect((await readdir(small.mountPoint)).sort()).toEqual(["a.img", "b.img"]);
  });

  it("cleans up after ENOSPC inside a step and skips the rest of that filesystem", async () => {
    const dir = other.mountPoint;
    // The plan underestimates: the zero-filled image does not fit in what is left.
    const big = createAction({
      volume: "vm/big",
      path: path.join(dir, "big.img"),
      filesystem: other.id,
      size: 48 * MiB,
      allocation: "zero",
      consumes: { filesystem: other.id, bytes: MiB },
    });
    const after = createAction({
      volume: "vm/after",
      path: path.join(dir, "after.img"),
      filesystem: other.id,
      size: MiB,
      consumes: { filesystem: other.id, bytes: 0 },
    });
    const report = await applyPlan({ plan: planOf([big, after]), desired });
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["failed", "NO_SPACE"],
      ["skipped", "FILESYSTEM_EXHAUSTED"],
    ]);
    expect((await readdir(dir)).filter((name) => name.includes("volplan-tmp"))).toEqual([]);
    expect(await readdir(dir)).not.toContain("big.img");
  });

  it("runs space-consuming steps one at a time per filesystem, in plan order, and in parallel across filesystems", async () => {
    const inFlight = new Map<string, number>();
    const maxPerFs = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    const started: string[] = [];
    let release: () => void = () => undefined;
    const bothRunning = new Promise<void>((resolve) => (release = resolve));
    const runner: Runner = async (_file, args) => {
      // mkfs gets the temp file as /proc/PID/fd/N; resolve it to the name to see which filesystem.
      const target = readlinkSync(args.at(-1) ?? "");
      const fsKey = path.dirname(target);
      started.push(path.basename(target).replace(/^\.(.+)\.volplan-tmp.*$/, "$1"));
      inFlight.set(fsKey, (inFlight.get(fsKey) ?? 0) + 1);
      maxPerFs.set(fsKey, Math.max(maxPerFs.get(fsKey) ?? 0, inFlight.get(fsKey) ?? 0));
      total += 1;
      maxTotal = Math.max(maxTotal, total);
      if (total === 2) release();
      // Wait until the other filesystem's step runs too (or give up: then the assertion below fails).
      await Promise.race([bothRunning, new Promise((resolve) => setTimeout(resolve, 2000))]);
      inFlight.set(fsKey, (inFlight.get(fsKey) ?? 1) - 1);
      total -= 1;
      return { exitCode: 0, stdout: "", stderr: "" };
    };
    const make = (name: string, fs: TestFs) =>
      createAction({
        volume: `order/${name}`,
        path: path.join(fs.mountPoint, "order", `${name}.img`),
        filesystem: fs.id,
        size: MiB,
        format: ext4,
      });
    await mkdir(path.join(small.mountPoint, "order"));
    await mkdir(path.join(other.mountPoint, "order"));
    const plan = planOf([
      make("s1", small),
      make("s2", small),
      make("s3", small),
      make("o1", other),
      make("o2", other),
    ]);
    const steps: StepName[] = [];
    const report = await applyPlan({
      plan,
      desired,
      options: {
        jobs: 8,
        runner,
        hook: (step, subject) => void (subject === "order/s1" && steps.push(step)),
      },
    });
    expect(report.totals.done).toBe(5);
    expect([...maxPerFs.values()]).toEqual([1, 1]);
    expect(maxTotal).toBe(2);
    expect(started.filter((n) => n.startsWith("s"))).toEqual(["s1.img", "s2.img", "s3.img"]);
    expect(started.filter((n) => n.startsWith("o"))).toEqual(["o1.img", "o2.img"]);
    expect(steps).toEqual([
      "create:after-open",
      "create:after-truncate",
      "create:after-mkfs",
      "create:after-chown",
      "create:after-fsync",
      "create:after-link",
      "create:after-unlink-temp",
    ]);
    expect((await stat(path.join(small.mountPoint, "order", "s3.img"))).size).toBe(MiB);
  });
});
