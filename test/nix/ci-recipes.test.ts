// examples/ci/flake-manifests.sh and pr-diff.sh against a small flake in a git repository (two
// commits: the base and the head of a pull request), with a stand-in for `volplan diff` given as
// a command with arguments in VOLPLAN, so the scripts' contract is checked without the CLI.
import { execa } from "execa";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixAvailable, nixEnv, repoRoot } from "./nix-tool.js";

// Prints both manifests; exits like `volplan diff --detailed-exitcode` would for them.
const fakeDiff = `[ "$1" = diff ] || exit 1
echo "old: $(cat "$2")"
echo "new: $(cat "$3")"
if grep -q shrink "$3"; then exit 3; fi
if cmp -s "$2" "$3"; then exit 0; fi
exit 2
`;

// A flake whose hosts are plain attribute sets shaped like NixOS configurations.
function flake(hosts: Record<string, string>): string {
  const entries = Object.entries(hosts).map(([name, body]) => `${name}.config.services = ${body};`);
  return `{ outputs = _: { nixosConfigurations = { ${entries.join("\n")} }; }; }\n`;
}

const volplanHost = (manifest: string) =>
  `{ volplan = { enable = true; manifest = ${manifest}; }; }`;

const base = flake({
  web: volplanHost(`{ version = 1; volumes.root = "8GiB"; }`),
  db: volplanHost(`{ version = 1; volumes.data = "40GiB"; }`),
  gone: volplanHost(`{ version = 1; volumes.x = "1GiB"; }`),
  plain: "{ }",
  off: `{ volplan = { enable = false; manifest = { version = 1; }; }; }`,
});
const head = flake({
  web: volplanHost(`{ version = 1; volumes.root = "16GiB"; }`),
  db: volplanHost(`{ version = 1; volumes.data = "shrink to 20GiB"; }`),
  added: volplanHost(`{ version = 1; volumes.y = "2GiB"; }`),
  plain: "{ }",
  off: `{ volplan = { enable = false; manifest = { version = 1; }; }; }`,
});

let dir = "";
let repo = "";
const env = () => ({
  ...nixEnv,
  NIX_CONFIG: `${nixEnv.NIX_CONFIG}\nexperimental-features = nix-command flakes`,
  VOLPLAN: `sh ${path.join(dir, "fake-diff.sh")}`,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.org",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.org",
});

async function git(...args: string[]) {
  return execa("git", args, { cwd: repo, env: env(), timeout: 30_000 });
}

async function script(name: string, args: string[]) {
  return execa("sh", [path.join(repoRoot, "examples/ci", name), ...args], {
    cwd: repo,
    env: env(),
    reject: false,
    timeout: 120_000,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-ci-"));
  repo = path.join(dir, "fleet");
  await mkdir(repo);
  await writeFile(path.join(dir, "fake-diff.sh"), fakeDiff);
  await git("init", "-q", "-b", "main");
  await writeFile(path.join(repo, "flake.nix"), base);
  await git("add", "flake.nix");
  await git("commit", "-qm", "base");
  await writeFile(path.join(repo, "flake.nix"), head);
  await git("commit", "-qam", "head");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!nixAvailable)("examples/ci with a flake", () => {
  it("flake-manifests.sh writes one HOST.json per host that enables volplan", async () => {
    const out = path.join(dir, "manifests-head");
    const result = await script("flake-manifests.sh", [".", out]);
    expect(result.stderr).toMatch(/wrote 3 manifest\(s\)/);
    expect(result.exitCode).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["added.json", "db.json", "web.json"]);
    expect(JSON.parse(await readFile(path.join(out, "web.json"), "utf8"))).toEqual({
      version: 1,
      volumes: { root: "16GiB" },
    });
  });

  it("flake-manifests.sh reads a revision and refuses a directory with files in it", async () => {
    const out = path.join(dir, "manifests-base");
    const rev = (await git("rev-parse", "HEAD~1")).stdout.trim();
    const result = await script("flake-manifests.sh", [`git+file://${repo}?rev=${rev}`, out]);
    expect(result.exitCode).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["db.json", "gone.json", "web.json"]);
    const again = await script("flake-manifests.sh", [".", out]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);
  });

  it.each([
    { host: "web", code: 2, old: /8GiB/, new: /16GiB/ },
    { host: "db", code: 3, old: /40GiB/, new: /shrink/ },
    // Added by the pull request: compared with an empty manifest, not an error.
    { host: "added", code: 2, old: /^old: \{ "version": 1 \}$/m, new: /2GiB/ },
    { host: "gone", code: 2, old: /1GiB/, new: /^new: \{ "version": 1 \}$/m },
    { host: "off", code: 0, old: /"version":1/, new: /"version":1/ },
    { host: "plain", code: 0, old: /"version":1/, new: /"version":1/ },
  ])("pr-diff.sh $host exits $code, as volplan diff --detailed-exitcode", async (c) => {
    const result = await script("pr-diff.sh", [c.host, "main~1", "main"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(c.old);
    expect(result.stdout).toMatch(c.new);
    expect(result.exitCode).toBe(c.code);
  });

  it("pr-diff.sh without VOLPLAN or volplan on PATH runs the flake's volplan input, not .#default", async () => {
    // A `nix` that records `nix run` and passes everything else to the real one.
    const bin = path.join(dir, "bin");
    await mkdir(bin, { recursive: true });
    const realNix = (await execa("sh", ["-c", "command -v nix"])).stdout.trim();
    await writeFile(
      path.join(bin, "nix"),
      `#!/bin/sh\nif [ "$1" = run ]; then echo "nix $*"; exit 2; fi\nexec ${realNix} "$@"\n`,
      { mode: 0o755 },
    );
    const result = await execa(
      "sh",
      [path.join(repoRoot, "examples/ci/pr-diff.sh"), "web", "main~1"],
      {
        cwd: repo,
        env: { ...env(), VOLPLAN: "", PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` },
        reject: false,
        timeout: 120_000,
      },
    );
    expect(result.stdout).toMatch(
      /^nix run --inputs-from \. volplan -- diff \S+old\.json \S+new\.json --markdown --detailed-exitcode$/,
    );
    expect(result.exitCode).toBe(2);
  });

  it.each([
    {
      args: ["nowhere", "main~1"],
      message: /no NixOS configuration "nowhere" at main~1 or at HEAD/,
    },
    { args: ["web", "no-such-ref"], message: /no commit no-such-ref.*fetch-depth: 0/ },
    { args: ["../web", "main~1"], message: /not a NixOS configuration name/ },
    { args: ["web"], message: /usage: / },
  ])("pr-diff.sh $args is an error (exit 1)", async ({ args, message }) => {
    const result = await script("pr-diff.sh", args);
    expect(result.stderr).toMatch(message);
    expect(result.exitCode).toBe(1);
  });
});
