import { link, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVolplan, volplan } from "../cli/volplan.js";
import type { Child } from "../cli/volplan.js";
import { blkid } from "../helpers/blkid.js";
import { fsSize, makeImage } from "../helpers/images.js";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { sha256File } from "../helpers/sha256.js";

const MiB = 1024 * 1024;

describe.skipIf(!canMount())("volplan apply (the CLI, as a process)", () => {
  let fs: TestFs;
  let n = 0;
  beforeAll(async () => {
    fs = await mountTmpfs(256 * MiB);
  });
  afterAll(async () => {
    await fs?.cleanup();
  });

  async function setup(
    volumes: Record<string, unknown>,
  ): Promise<{ dir: string; manifest: string }> {
    const dir = path.join(fs.mountPoint, `case-${++n}`);
    await mkdir(path.join(dir, "vms"), { recursive: true, mode: 0o755 });
    const manifest = path.join(dir, "manifest.json");
    const withPaths = Object.fromEntries(
      Object.entries(volumes).map(([id, v]) => [
        id,
        { ...(v as object), path: path.join(dir, "vms", `${id.replace("/", "-")}.img`) },
      ]),
    );
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir: path.join(dir, "state"),
        policy: { reserve: 0 },
        volumes: withPaths,
      }),
    );
    return { dir, manifest };
  }

  // Returns the subprocess inside an object: an execa subprocess is a thenable, and returning it
  // from an async function would wait for it to exit.
  async function stoppedAt(step: string, manifest: string): Promise<{ child: Child }> {
    const child = startVolplan(["apply", "--manifest", manifest], {
      env: { VOLPLAN_TEST_STOP_AT: step },
    });
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stderr.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(`VOLPLAN_STOPPED ${step}`)) resolve();
      });
      child.once("exit", () => reject(new Error(`apply exited before ${step}: ${seen}`)));
    });
    return { child };
  }

  it("stops at a step under the test hook; --no-wait fails while it holds the lock; after SIGKILL the next run reclaims the temp file and creates the image", async () => {
    const { dir, manifest } = await setup({
      "vm/root": { size: "64MiB", format: { type: "ext4", label: "root" } },
    });
    const { child: first } = await stoppedAt("create:after-mkfs", manifest);
    try {
      const second = await volplan(["apply", "--no-wait", "--manifest", manifest]);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain("[LOCK_BUSY]");
      expect(second.stderr).toContain(`pid ${first.pid}`);
    } finally {
      first.kill("SIGKILL");
      await first;
    }
    const left = await readdir(path.join(dir, "vms"));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.vm-root\.img\.volplan-tmp-\d+-[0-9a-f]{8}$/);
    const third = await volplan(["apply", "--no-wait", "--manifest", manifest]);
    expect(third.exitCode).toBe(0);
    expect(await readdir(path.join(dir, "vms"))).toEqual(["vm-root.img"]);
    expect(await blkid(path.join(dir, "vms", "vm-root.img"))).toMatchObject({
      TYPE: "ext4",
      LABEL: "root",
    });
  });

  it("leaves a complete image when killed right after the link", async () => {
    const { dir, manifest } = await setup({
      "vm/root": { size: "64MiB", format: { type: "ext4" } },
    });
    const { child } = await stoppedAt("create:after-link", manifest);
    child.kill("SIGKILL");
    await child;
    const image = path.join(dir, "vms", "vm-root.img");
    expect(
      (await execa("e2fsck", ["-fn", image], { reject: false, timeout: 60_000 })).exitCode,
    ).toBe(0);
    const again = await volplan(["apply", "--manifest", manifest]);
    expect(again.exitCode).toBe(0);
    expect(await readdir(path.join(dir, "vms"))).toEqual(["vm-root.img"]);
  });

  it("exits 3 on a refusal, leaving that image byte-identical while applying the rest", async () => {
    const { dir, manifest } = await setup({
      "vm/big": { size: "8MiB" },
      "vm/new": { size: "4MiB" },
    });
    const big = path.join(dir, "vms", "vm-big.img");
    await execa("truncate", ["-s", String(16 * MiB), big]);
    await writeFile(big, "payload", { flag: "r+" });
    const before = await sha256File(big);
    const result = await volplan(["apply", "--json", "--manifest", manifest]);
    expect(result.exitCode).toBe(3);
    const { report } = JSON.parse(result.stdout) as {
      report: { results: { subject: string; status: string }[] };
    };
    expect(report.results.map((r) => [r.subject, r.status])).toEqual([
      ["vm/big", "refused"],
      ["vm/new", "done"],
    ]);
    expect(await sha256File(big)).toBe(before);
  });

  it("exits 4 and touches nothing when the plan is infeasible", async () => {
    const { dir, manifest } = await setup({ "vm/huge": { size: "1GiB", allocation: "zero" } });
    const result = await volplan(["apply", "--manifest", manifest]);
    expect(result.exitCode).toBe(4);
    expect(await readdir(path.join(dir, "vms"))).toEqual([]);
  });

  it("refuses a saved plan when the host changed since", async () => {
    const { dir, manifest } = await setup({ "vm/a": { size: "4MiB" } });
    const saved = path.join(dir, "plan.json");
    expect((await volplan(["plan", "--manifest", manifest, "--out", saved])).exitCode).toBe(0);
    await writeFile(path.join(dir, "vms", "vm-a.img"), "someone else's file");
    const result = await volplan(["apply", saved]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("changed since the plan was saved; nothing was applied");
    // It says what differs: the saved create, and what planning finds now.
    expect(result.stderr).toMatch(/saved: create vm\/a:/);
    expect(result.stderr).toMatch(/now: +grow-image vm\/a:/);
    expect(await readFile(path.join(dir, "vms", "vm-a.img"), "utf8")).toBe("someone else's file");
  });

  it("has no --yes flag (apply never prompts): it is a usage error, and nothing is created", async () => {
    const { dir, manifest } = await setup({ "vm/yes": { size: "8MiB", format: { type: "none" } } });
    const result = await volplan(["apply", "--yes", "--manifest", manifest]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--yes");
    expect(await readdir(path.join(dir, "vms"))).toEqual([]);
  });

  it("refuses (exit 3) to grow an image with a second name, and leaves both names as they were", async () => {
    const { dir, manifest } = await setup({
      "vm/linked": { size: "16MiB", format: { type: "none" } },
    });
    const image = path.join(dir, "vms", "vm-linked.img");
    const other = path.join(dir, "other.img");
    await writeFile(other, Buffer.alloc(8 * MiB, 1), { mode: 0o600 });
    await link(other, image);
    const result = await volplan(["apply", "--manifest", manifest]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(3);
    // Once, in the plan (the report below it does not repeat a refusal the plan made).
    expect(result.stdout).toContain(image);
    expect(
      result.stdout.match(/refused \(hard-linked\): found a regular file with 2 links/g),
    ).toHaveLength(1);
    expect((await stat(other)).size).toBe(8 * MiB);
  });

  it("seeds a 64 MiB ext4 base into a 256 MiB volume and grows its filesystem in one apply", async () => {
    const base = path.join(fs.mountPoint, `base-${++n}.img`);
    await makeImage({ file: base, type: "ext4", size: 64 * MiB, label: "seeded" });
    const { dir, manifest } = await setup({
      "vm/seeded": {
        size: "256MiB",
        format: { type: "ext4", label: "seeded" },
        seed: { from: base },
        growFilesystem: "host",
      },
    });
    const applied = await volplan(["apply", "--manifest", manifest]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/grow-filesystem/);
    const again = await volplan(["plan", "--detailed-exitcode", "--manifest", manifest]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    const image = path.join(dir, "vms", "vm-seeded.img");
    expect(await fsSize(image, "ext4")).toBe(256 * MiB);
  });
});
