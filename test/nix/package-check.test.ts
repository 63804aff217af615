// nix/package.nix builds from the paths in nix/package-files.json. This Nix (2.8) cannot evaluate
// lib.fileset (2.14 and later), so the test evaluates the package with a lib.fileset that records
// those paths, then, under CI=true, copies exactly them to a fresh directory and runs the
// package's build, check, install and install-check phases there, as the build sandbox does: an
// unprivileged user, a clean environment (no CI variable), no network.
import { execa } from "execa";
import { existsSync } from "node:fs";
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evalJson, inCi, nixString, repoRoot, thirdPartyAvailable } from "./nix-tool.js";

interface Package {
  pname: string;
  version: string;
  npmBuildScript: string;
  doCheck: boolean;
  checkPhase: string;
  installPhase: string;
  doInstallCheck: boolean;
  installCheckPhase: string;
  sourcePaths: string[];
  tests: Record<string, unknown>;
  meta: Record<string, unknown>;
}

const listed = (
  JSON.parse(await readFile(path.join(repoRoot, "nix/package-files.json"), "utf8")) as {
    paths: string[];
  }
).paths;

const nodePrefix = path.dirname(path.dirname(process.execPath));

function evaluatePackage(): Promise<Package> {
  return evalJson({
    expr: `import ./test/nix/eval-package.nix { nodePrefix = ${nixString(nodePrefix)}; }`,
  }) as Promise<Package>;
}

// Stand-ins for the nixpkgs shell functions the phases call (makeWrapper, and installManPage and
// installShellCompletion of installShellFiles, with the --cmd NAME --SHELL FILE form).
const setupHooks = `
runHook() { :; }
makeWrapper() {
  exe=$1; wrapper=$2; shift 2; flags=""; prefix=""
  while [ $# -gt 0 ]; do
    case $1 in
      --add-flags) flags="$flags $2"; shift 2 ;;
      --prefix) prefix=$4; shift 4 ;;
      *) echo "makeWrapper stand-in: unknown argument $1" >&2; return 1 ;;
    esac
  done
  mkdir -p "$(dirname "$wrapper")"
  printf '#!/bin/sh\\nPATH=%s:$PATH\\nexport PATH\\nexec %s%s "$@"\\n' "$prefix" "$exe" "$flags" > "$wrapper"
  chmod +x "$wrapper"
}
installManPage() {
  for page in "$@"; do
    section=\${page##*.}
    mkdir -p "$out/share/man/man$section"
    cp "$page" "$out/share/man/man$section/"
  done
}
installShellCompletion() {
  [ "$1" = --cmd ] || { echo "installShellCompletion stand-in: --cmd NAME first" >&2; return 1; }
  name=$2; shift 2
  while [ $# -gt 0 ]; do
    case $1 in
      --bash) target="share/bash-completion/completions/$name" ;;
      --zsh) target="share/zsh/site-functions/_$name" ;;
      --fish) target="share/fish/vendor_completions.d/$name.fish" ;;
      *) echo "installShellCompletion stand-in: unknown argument $1" >&2; return 1 ;;
    esac
    mkdir -p "$(dirname "$out/$target")"
    cat "$2" > "$out/$target"
    shift 2
  done
}
set -e
`;

const scratch: string[] = [];
const mounts: string[] = [];

afterAll(async () => {
  for (const dir of mounts) await execa("umount", [dir], { reject: false, timeout: 60_000 });
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

// A build directory of its own: as root, a private tmpfs, so that the rest of this test run
// writing to the same filesystem cannot change what the copied tests observe of theirs.
async function buildDirectory(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "volplan-package-"));
  scratch.push(dir);
  if (process.getuid?.() === 0) {
    await execa("mount", ["-t", "tmpfs", "-o", "size=4g,mode=0755", "volplan-package", dir], {
      timeout: 60_000,
    });
    mounts.push(dir);
  }
  return dir;
}

// A copy of exactly `paths`, with node_modules standing in for what importNpmLock installs.
async function copySource(paths: readonly string[]): Promise<string> {
  const dir = await buildDirectory();
  const source = path.join(dir, "source");
  for (const p of paths) {
    await mkdir(path.dirname(path.join(source, p)), { recursive: true });
    await cp(path.join(repoRoot, p), path.join(source, p), { recursive: true });
  }
  // Each dependency linked one by one, so node_modules itself is the copy's own (tools write
  // caches into it); dot entries other than .bin are caches of this checkout's own runs.
  await mkdir(path.join(source, "node_modules"));
  const entries = await readdir(path.join(repoRoot, "node_modules"));
  for (const entry of entries.filter((e) => !e.startsWith(".") || e === ".bin")) {
    await symlink(
      path.join(repoRoot, "node_modules", entry),
      path.join(source, "node_modules", entry),
    );
  }
  await mkdir(path.join(dir, "tmp"));
  return dir;
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await chownTree(full, uid);
    else await chown(full, uid, uid);
  }
}

// Runs the package's phases in `dir` as the build sandbox would: not as root, clean environment.
async function runPhases(dir: string, pkg: Package) {
  const root = process.getuid?.() === 0;
  const nobody = 65534;
  if (root) {
    await chownTree(dir, nobody);
    await chmod(dir, 0o755);
  }
  const script = [
    setupHooks,
    `npm run ${pkg.npmBuildScript}`,
    pkg.checkPhase,
    pkg.installPhase,
    pkg.installCheckPhase,
  ].join("\n");
  const env = {
    PATH: `${path.dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: path.join(dir, "tmp"),
    TMPDIR: path.join(dir, "tmp"),
    out: path.join(dir, "out"),
  };
  const command = root
    ? ["setpriv", `--reuid=${nobody}`, `--regid=${nobody}`, "--clear-groups", "bash", "-c", script]
    : ["bash", "-c", script];
  return execa(command[0]!, command.slice(1), {
    cwd: path.join(dir, "source"),
    env,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 900_000,
  });
}

describe.skipIf(!thirdPartyAvailable)("nix/package.nix", () => {
  it("builds from exactly the paths in nix/package-files.json, and each exists", async () => {
    const pkg = await evaluatePackage();
    expect(pkg.sourcePaths).toEqual(listed);
    expect(listed.filter((p) => !existsSync(path.join(repoRoot, p)))).toEqual([]);
  });

  it("runs its unit tests, checks the installed program, and carries its VM test", async () => {
    const pkg = await evaluatePackage();
    expect(pkg).toMatchObject({ pname: "volplan", doCheck: true, doInstallCheck: true });
    expect(pkg.checkPhase).toMatch(/npx vitest run --exclude 'test\/nix\/\*\*'/);
    expect(pkg.installCheckPhase).toMatch(/--version/);
    expect(pkg.tests).toEqual({ vm: { nixosTest: "nix/tests/vm.nix" } });
    expect(pkg.meta).toMatchObject({ mainProgram: "volplan" });
  });

  it("puts the tools volplan runs on the wrapper's PATH, qemu-img's qemu-utils included", async () => {
    const pkg = await evaluatePackage();
    const prefix = /--prefix PATH : (\S+)/.exec(pkg.installPhase)?.[1]?.split(":");
    const tools = [
      "coreutils",
      "util-linux",
      "e2fsprogs",
      "xfsprogs",
      "btrfs-progs",
      "dosfstools",
      "qemu-utils",
    ];
    expect(prefix).toEqual(
      tools.map((t) => `/nix/store/00000000000000000000000000000000-${t}/bin`),
    );
  });

  // Minutes of work (the whole unit suite once more), so it runs in CI only.
  it.runIf(inCi)(
    "passes its build, check and install phases on a copy of exactly those files",
    async () => {
      const pkg = await evaluatePackage();
      const dir = await copySource(pkg.sourcePaths);
      const result = await runPhases(dir, pkg);
      expect(result.exitCode, result.all).toBe(0);
      expect(existsSync(path.join(dir, "out", "bin", "volplan"))).toBe(true);
      for (const file of [
        "share/man/man1/volplan.1",
        "share/bash-completion/completions/volplan",
        "share/zsh/site-functions/_volplan",
        "share/fish/vendor_completions.d/volplan.fish",
      ])
        expect(existsSync(path.join(dir, "out", file)), file).toBe(true);
    },
    900_000,
  );
});
