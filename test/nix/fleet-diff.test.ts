// examples/ci/fleet-diff.sh against a stand-in for `volplan diff`, so the summary and the exit
// status are checked without the CLI: same files → 0, different → 2, "shrink" in NEW → 3; the
// exit status is the worst host's, the contract pr-diff.sh keeps for one host.
import { execa } from "execa";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./nix-tool.js";

const fakeVolplan = `#!/bin/sh
[ "$1" = diff ] || exit 1
echo "plan for $2 -> $3"
if grep -q shrink "$3"; then exit 3; fi
if cmp -s "$2" "$3"; then exit 0; fi
exit 2
`;

let dir = "";

async function hosts(sub: string, files: Record<string, string>): Promise<string> {
  const target = path.join(dir, sub);
  await mkdir(target, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(target, name), text);
  return target;
}

async function fleetDiff(base: string, head: string, env?: Record<string, string>) {
  return execa("sh", [path.join(repoRoot, "examples/ci/fleet-diff.sh"), base, head], {
    env: env ?? { VOLPLAN: path.join(dir, "volplan") },
    timeout: 30_000,
    reject: false,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-fleet-"));
  await writeFile(path.join(dir, "volplan"), fakeVolplan);
  await chmod(path.join(dir, "volplan"), 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("examples/ci/fleet-diff.sh", () => {
  it("summarises every host and exits 3 when one has refusals", async () => {
    const base = await hosts("r/base", {
      "a.json": "same",
      "b.json": "old",
      "c.json": "old",
      "gone.json": "x",
    });
    const head = await hosts("r/head", {
      "a.json": "same",
      "b.json": "grow",
      "c.json": "shrink",
      "new.json": "y",
    });
    const result = await fleetDiff(base, head);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain("## a: no changes");
    expect(result.stdout).toContain("## b: changes");
    expect(result.stdout).toContain("## c: REFUSALS");
    expect(result.stdout).toMatch(/## new: changes\n\nplan for .*empty\.json -> .*new\.json/);
    expect(result.stdout).toContain(
      "5 hosts: 1 unchanged, 3 with changes, 1 with refusals, 0 failed.",
    );
    expect(result.stdout).toContain("| c | REFUSALS |");
  });

  it("exits 2 for changes only and 0 for none", async () => {
    const base = await hosts("c/base", { "a.json": "same", "b.json": "old" });
    expect(
      (await fleetDiff(base, await hosts("c/head", { "a.json": "same", "b.json": "grow" })))
        .exitCode,
    ).toBe(2);
    expect((await fleetDiff(base, base)).exitCode).toBe(0);
  });

  it.each([
    { name: "VOLPLAN as a command with arguments", env: () => ({ VOLPLAN: `sh ${dir}/volplan` }) },
    {
      name: "volplan from PATH when VOLPLAN is unset",
      env: () => ({ VOLPLAN: "", PATH: `${dir}:${process.env.PATH ?? ""}` }),
    },
  ])("runs $name", async ({ env }) => {
    const base = await hosts("v/base", { "a.json": "old" });
    const head = await hosts("v/head", { "a.json": "grow" });
    const result = await fleetDiff(base, head, env());
    expect(result.stdout).toMatch(/## a: changes\n\nplan for .*a\.json -> .*a\.json/);
    expect(result.exitCode).toBe(2);
  });

  it("refuses arguments that are not two directories", async () => {
    const result = await fleetDiff(path.join(dir, "missing"), dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/usage: .*BASE_DIR HEAD_DIR/);
  });
});
