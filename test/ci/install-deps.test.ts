// .ci/install-deps: the Debian packages it installs provide every program volplan runs (and the
// ones its tests drive), on a bare Debian where only the packages of priority "required" are there.
// The package's build has no .ci/ (not in its source), so there this file skips; under CI=true it
// never does.
import { execa } from "execa";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/volplan.js";

const script = path.join(ROOT, ".ci", "install-deps");
const inCi = process.env["CI"] === "true";
const scriptPresent = existsSync(script) || inCi;

// Each Debian package and the programs taken from it. `base`: in every Debian installation
// (priority "required"), so install-deps need not list it; `shippedBy`: the dependency of the
// package whose files hold the programs.
const packages: readonly {
  name: string;
  programs: readonly string[];
  base?: true;
  shippedBy?: string;
}[] = [
  { name: "e2fsprogs", programs: ["mke2fs", "e2fsck", "resize2fs", "e2label", "chattr"] },
  { name: "xfsprogs", programs: ["mkfs.xfs", "xfs_growfs", "xfs_db"] },
  { name: "btrfs-progs", programs: ["mkfs.btrfs", "btrfs"] },
  { name: "dosfstools", programs: ["mkfs.vfat", "fatlabel"] },
  { name: "util-linux", programs: ["fallocate", "mkswap", "swaplabel", "blkid"] },
  { name: "mount", programs: ["losetup", "mount", "umount"], base: true },
  { name: "coreutils", programs: ["cp"] },
  { name: "qemu-utils", programs: ["qemu-img"] },
  // For the tests only: OFD locks in the in-use tests, the download benchmark, nix/.
  { name: "python3", programs: ["python3"], shippedBy: "python3-minimal" },
  { name: "curl", programs: ["curl"] },
  { name: "nix-bin", programs: ["nix-instantiate"] },
];

// The package list of the script: its `packages=(...)` line.
async function listed(): Promise<string[]> {
  const text = await readFile(script, "utf8");
  const found = /^packages=\(([^)]*)\)$/m.exec(text);
  if (found?.[1] === undefined) throw new Error(`${script} has no packages=(...) line`);
  return found[1].trim().split(/\s+/);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f));
}

// Programs src/ runs by name: runner("name", ...) and the mkfs and relabel tables' file/program.
async function programsRun(): Promise<string[]> {
  const files = [
    ...(await sourceFiles(path.join(ROOT, "src", "apply"))),
    ...(await sourceFiles(path.join(ROOT, "src", "manifest"))).filter((f) =>
      path.basename(f).startsWith("mkfs-rules"),
    ),
    path.join(ROOT, "src", "plan", "relabel-command.ts"),
  ];
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const m of text.matchAll(/runner\(\s*"([^"]+)"|\b(?:file|program): "([^"]+)"/g)) {
      names.add(m[1] ?? m[2] ?? "");
    }
  }
  return [...names].sort();
}

async function dpkgQuery(format: string, name: string): Promise<string> {
  return (await execa("dpkg-query", ["-W", `-f=${format}`, name], { timeout: 30_000 })).stdout;
}

const onDebian = await execa("dpkg-query", ["--version"], { timeout: 30_000, reject: false }).then(
  (r) => r.exitCode === 0,
  () => false,
);

describe.skipIf(!scriptPresent)(".ci/install-deps", () => {
  it("is a valid bash script", async () => {
    const checked = await execa("bash", ["-n", script], { reject: false });
    expect([checked.exitCode, checked.stderr]).toEqual([0, ""]);
  });

  it("lists every package that is not in every Debian installation", async () => {
    const wanted = packages.filter((p) => p.base !== true).map((p) => p.name);
    expect(await listed()).toEqual(expect.arrayContaining(wanted));
  });

  it("knows the package of every program volplan runs", async () => {
    const known = new Set(packages.flatMap((p) => p.programs));
    const found = await programsRun();
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((p) => !known.has(p))).toEqual([]);
  });
});

// Where install-deps has run (CI), the table above is checked against Debian's own records.
describe.skipIf(!scriptPresent || (!onDebian && !inCi))(".ci/install-deps on Debian", () => {
  it.each(packages)("$name is installed and ships $programs", async (p) => {
    expect(await dpkgQuery("${Status}", p.name)).toBe("install ok installed");
    if (p.base === true) expect(await dpkgQuery("${Priority}", p.name)).toBe("required");
    const shipper = p.shippedBy ?? p.name;
    const files = (await execa("dpkg", ["-L", shipper], { timeout: 30_000 })).stdout.split("\n");
    const programsShipped = p.programs.filter((program) =>
      files.some((f) => /\/s?bin\/[^/]+$/.test(f) && path.basename(f) === program),
    );
    expect(programsShipped).toEqual(p.programs);
  });
});
