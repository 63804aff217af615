// qemu-img for tests: images made by QEMU itself, and its own view of them (qemu-img info and
// check, --output=json) as an independent check of what volplan reads and writes.
import { execa } from "execa";

const T = { timeout: 120_000 };

/** The fields of `qemu-img info --output=json` the tests compare. */
export interface QemuInfo {
  readonly format: string;
  readonly "virtual-size": number;
  readonly "cluster-size"?: number;
  readonly "backing-filename"?: string;
  readonly "backing-filename-format"?: string;
  readonly "dirty-flag"?: boolean;
  readonly "format-specific"?: {
    readonly data?: { compat?: string; corrupt?: boolean; encrypt?: { format: string } };
  };
}

/** Runs `qemu-img ARGS` and returns its stdout; a failure throws with its stderr. */
export async function qemuImg(args: readonly string[]): Promise<string> {
  return (await execa("qemu-img", args, T)).stdout;
}

/** `qemu-img info --output=json` of `file` read as `format` (never probed: a test names what it expects). */
export async function qemuInfo(file: string, format: "qcow2" | "raw" = "qcow2"): Promise<QemuInfo> {
  return JSON.parse(await qemuImg(["info", "-f", format, "-U", "--output=json", file])) as QemuInfo;
}

/** `qemu-img check` of a qcow2 image: its exit code (0 clean, 2 corrupt, 3 leaks) and findings. */
export async function qemuCheck(file: string): Promise<{ exitCode: number; output: string }> {
  const result = await execa("qemu-img", ["check", "-f", "qcow2", "-U", file], {
    ...T,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, output: result.stdout + result.stderr };
}
