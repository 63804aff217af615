// Whether this process may run privileged tests. Elsewhere they skip; under CI=true a missing
// privilege throws, so the test file fails instead of passing with its checks skipped.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function available(what: string, problem: string | null): boolean {
  if (problem === null) return true;
  if (process.env["CI"] === "true") {
    throw new Error(`${what}, but ${problem}; CI must not skip them: run the suite as root`);
  }
  return false;
}

function rootProblem(): string | null {
  return process.getuid?.() === 0 ? null : "this process is not root";
}

// Mounts and unmounts a 1 MiB tmpfs on a fresh directory: the cheapest proof that mounting works.
function probeMount(): string | null {
  const notRoot = rootProblem();
  if (notRoot !== null) return notRoot;
  const dir = mkdtempSync(path.join(os.tmpdir(), "volplan-probe-mount-"));
  try {
    const options = { encoding: "utf8", timeout: 30_000 } as const;
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], options);
    if (mounted.status !== 0) {
      return `mount -t tmpfs fails here: ${mounted.stderr?.trim() || String(mounted.error)}`;
    }
    const unmounted = spawnSync("umount", [dir], options);
    if (unmounted.status !== 0) throw new Error(`umount ${dir} failed: ${unmounted.stderr}`);
    return null;
  } finally {
    // Not recursive: should the unmount have failed, this never empties the tmpfs.
    rmdirSync(dir);
  }
}

let mountProblem: { readonly problem: string | null } | undefined;

/** True when running as root; under CI=true it throws instead of returning false. */
export function haveRoot(): boolean {
  return available("these tests need root", rootProblem());
}

/** True when this process can mount filesystems (tmpfs, loop devices); under CI=true it throws instead of returning false. */
export function canMount(): boolean {
  mountProblem ??= { problem: probeMount() };
  return available("these tests mount filesystems", mountProblem.problem);
}
