// A saved plan is never executed as written: apply plans again from the embedded manifest and
// refuses unless the actions are identical; a plan file someone else could write is refused.
import { chmod, chown, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeImage } from "../helpers/images.js";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { sha256File } from "../helpers/sha256.js";
import { volplan } from "../cli/volplan.js";

const MiB = 1024 * 1024;

interface Action {
  kind: string;
  volume?: string;
  artifact?: string;
  path: string;
  [key: string]: unknown;
}
interface SavedPlan {
  feasible: boolean;
  actions: Action[];
  manifest: { volumes: Record<string, unknown> };
}

describe.skipIf(!canMount())("apply PLAN_FILE refuses a tampered plan", () => {
  let fs: TestFs;
  let dir: string;
  let plans: string;
  let victim: string;
  let saved: SavedPlan;
  const before = new Map<string, string>();

  // Everything an attack could change: every file's mode, owner, size and content hash.
  async function hostState(): Promise<string> {
    const lines: string[] = [];
    for (const sub of ["", "vms"]) {
      for (const name of (await readdir(path.join(dir, sub))).sort()) {
        const file = path.join(dir, sub, name);
        const info = await stat(file);
        if (!info.isFile()) continue;
        const sum = await sha256File(file);
        lines.push(`${file} ${info.mode.toString(8)} ${info.uid}:${info.gid} ${info.size} ${sum}`);
      }
    }
    return lines.join("\n");
  }

  beforeAll(async () => {
    fs = await mountTmpfs(512 * MiB);
    dir = path.join(fs.mountPoint, "host");
    await mkdir(path.join(dir, "vms"), { recursive: true, mode: 0o755 });
    // Plan files live apart from the host state the attacks must not change.
    plans = path.join(fs.mountPoint, "plans");
    await mkdir(plans);
    victim = path.join(dir, "secret");
    await writeFile(victim, "root's secret\n", { mode: 0o600 });
    const base = path.join(dir, "base.img");
    await makeImage({ file: base, type: "ext4", size: 32 * MiB });
    const grow = path.join(dir, "vms", "grow.img");
    await makeImage({ file: grow, type: "ext4", size: 32 * MiB });
    const own = path.join(dir, "vms", "own.img");
    await writeFile(own, Buffer.alloc(MiB));
    await chmod(own, 0o644);
    await writeFile(path.join(dir, "vms", ".new.img.volplan-tmp-999999-0123abcd"), "leftover");
    const manifest = path.join(dir, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir: path.join(dir, "state"),
        policy: { reserve: 0 },
        volumes: {
          "vm/new": { path: path.join(dir, "vms", "new.img"), size: "16MiB" },
          "vm/seeded": {
            path: path.join(dir, "vms", "seeded.img"),
            size: "64MiB",
            seed: { from: base },
          },
          "vm/grow": { path: grow, size: "64MiB", format: { type: "ext4" } },
          "vm/own": { path: own, size: "1MiB", format: { type: "none" }, mode: "0600" },
        },
        artifacts: {
          kexec: {
            urls: ["http://127.0.0.1:9/kexec.tar.gz"],
            hash: `sha256-${Buffer.alloc(32).toString("base64")}`,
            fileName: "kexec.tar.gz",
          },
        },
      }),
    );
    const out = path.join(plans, "plan.json");
    const planned = await volplan(["plan", "--manifest", manifest, "--out", out]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    saved = JSON.parse(await readFile(out, "utf8")) as SavedPlan;
    expect(new Set(saved.actions.map((a) => a.kind))).toEqual(
      new Set([
        "create",
        "seed",
        "grow-filesystem",
        "grow-image",
        "set-ownership",
        "remove-temp",
        "artifact-fetch",
      ]),
    );
    before.set("state", await hostState());
  });
  afterAll(async () => {
    await fs?.cleanup();
  });

  async function applyTampered(change: (plan: SavedPlan) => void) {
    const plan = structuredClone(saved);
    change(plan);
    const file = path.join(plans, "tampered.json");
    await writeFile(file, JSON.stringify(plan), { mode: 0o600 });
    return volplan(["apply", file]);
  }

  const first = (kind: string) => (plan: SavedPlan) => {
    const action = plan.actions.find((a) => a.kind === kind);
    if (action === undefined) throw new Error(`the saved plan has no ${kind}`);
    return action;
  };

  it.each([
    {
      attack: "an appended set-ownership aimed at another file",
      change: (plan: SavedPlan) =>
        plan.actions.push({
          ...first("set-ownership")(plan),
          path: victim,
          to: { uid: 65534, gid: 65534, mode: "0666" },
        }),
    },
    {
      attack: "an appended seed copying another file to a readable place",
      change: (plan: SavedPlan) =>
        plan.actions.push({
          ...first("seed")(plan),
          from: victim,
          path: path.join(dir, "vms", "leak.img"),
        }),
    },
    {
      attack: "create with mkfs arguments that copy a host directory in",
      change: (plan: SavedPlan) => {
        const create = first("create")(plan);
        create.format = { ...(create.format as object), type: "ext4", mkfsArgs: ["-d", "/etc"] };
      },
    },
    {
      attack: "grow-image pointed at another file",
      change: (plan: SavedPlan) => {
        first("grow-image")(plan).path = victim;
      },
    },
    {
      attack: "grow-filesystem pointed at another file",
      change: (plan: SavedPlan) => {
        first("grow-filesystem")(plan).path = victim;
      },
    },
    {
      attack: "remove-temp pointed at another file",
      change: (plan: SavedPlan) => {
        first("remove-temp")(plan).path = victim;
      },
    },
    {
      attack: "artifact-fetch from another URL",
      change: (plan: SavedPlan) => {
        first("artifact-fetch")(plan).urls = ["http://127.0.0.1:9/evil.tar.gz"];
      },
    },
    {
      attack: "an action dropped (the refusal of what was reviewed)",
      change: (plan: SavedPlan) => {
        plan.actions = plan.actions.filter((a) => a.kind !== "create");
      },
    },
  ])("$attack: refused, nothing changed", async ({ change }) => {
    const result = await applyTampered(change);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain("[STALE_PLAN]");
    expect(await hostState()).toBe(before.get("state"));
  });

  it("says what differs with control characters escaped (a saved reason cannot drive the terminal)", async () => {
    const result = await applyTampered((plan) => {
      first("create")(plan).reason = "\u001b]0;owned\u0007\u001b[2J";
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain("[STALE_PLAN]");
    expect(result.stderr.includes("\u001b")).toBe(false);
    expect(result.stderr).toContain("\\x1b]0;owned");
  });

  it("a plan file someone else owns or can write, or a symlink to one, is refused unread", async () => {
    const file = path.join(plans, "plan.json");
    const text = await readFile(file, "utf8");
    const cases: [string, () => Promise<string>][] = [
      [
        "owned by nobody",
        async () => {
          const other = path.join(plans, "nobody-plan.json");
          await writeFile(other, text, { mode: 0o600 });
          await chown(other, 65534, 65534);
          return other;
        },
      ],
      [
        "group-writable",
        async () => {
          const other = path.join(plans, "group-plan.json");
          await writeFile(other, text);
          await chmod(other, 0o620);
          return other;
        },
      ],
      [
        "a symlink",
        async () => {
          const link = path.join(plans, "link-plan.json");
          await symlink(file, link);
          return link;
        },
      ],
    ];
    for (const [what, make] of cases) {
      const result = await volplan(["apply", await make()]);
      expect(result.exitCode, what).toBe(1);
      expect(result.stderr, what).toMatch(/PLAN_FILE_UNTRUSTED|PLAN_FILE_INVALID/);
    }
    expect(await hostState()).toBe(before.get("state"));
  });

  it("the untouched plan applies, and its result is what was reviewed", async () => {
    const result = await volplan(["apply", path.join(plans, "plan.json")]);
    // The artifact's mirror does not exist: that one action fails, everything else is done.
    expect(result.stdout).toContain("new.img");
    expect((await stat(path.join(dir, "vms", "new.img"))).size).toBe(16 * MiB);
    expect((await stat(path.join(dir, "vms", "own.img"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "vms", "grow.img"))).size).toBe(64 * MiB);
    expect(await readFile(victim, "utf8")).toBe("root's secret\n");
  });
});

describe.skipIf(!canMount())("apply PLAN_FILE of an infeasible plan", () => {
  it("marked feasible by hand, it still touches nothing (exit 4)", async () => {
    const fs = await mountTmpfs(64 * MiB);
    try {
      const dir = path.join(fs.mountPoint, "host");
      await mkdir(path.join(dir, "vms"), { recursive: true });
      const manifest = path.join(dir, "manifest.json");
      await writeFile(
        manifest,
        JSON.stringify({
          version: 1,
          stateDir: path.join(dir, "state"),
          volumes: {
            "vm/huge": {
              path: path.join(dir, "vms", "huge.img"),
              size: "1GiB",
              allocation: "zero",
            },
          },
        }),
      );
      const out = path.join(dir, "plan.json");
      expect((await volplan(["plan", "--manifest", manifest, "--out", out])).exitCode).toBe(4);
      const plan = JSON.parse(await readFile(out, "utf8")) as SavedPlan;
      plan.feasible = true;
      await writeFile(out, JSON.stringify(plan), { mode: 0o600 });
      const result = await volplan(["apply", out]);
      expect(result.exitCode, result.stderr).toBe(4);
      expect(await readdir(path.join(dir, "vms"))).toEqual([]);
    } finally {
      await fs.cleanup();
    }
  });
});
