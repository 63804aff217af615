// qemu-img for qcow2 volumes, always on a descriptor volplan opened (/proc/<pid>/fd/<n>: qemu-img
// opens that path as it is, never a name someone could swap), and the header read back through it.
import { constants, readSync } from "node:fs";
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { readImageHeader } from "../observe/qcow2/read.js";
import type { FoundImage, Qcow2Header } from "../plan/snapshot.js";
import { formatBytes } from "../units/size.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext } from "./context.js";
import { descriptorPath } from "./safe-fs.js";

/**
 * The qemu-img argument that opens the qcow2 image at a descriptor without its backing file:
 * check and resize never need the base, and a backing name the image's owner wrote into the
 * header after volplan read it (another file, a json: or nbd: source) is then never opened as root.
 */
export function qcow2WithoutBacking(handle: FileHandle): string {
  const file = { driver: "file", filename: descriptorPath(handle) };
  return `json:${JSON.stringify({ driver: "qcow2", backing: null, file })}`;
}

// qemu-img check exit codes: 0 clean, 2 corrupt, 3 leaked clusters only (space lost, data safe).
const CHECK_LEAKS = 3;

/**
 * Runs `qemu-img check` on an open image; a corrupt image (or a check that could not finish) fails
 * with QCOW2_CHECK_FAILED. Returns a note when it found leaked clusters only.
 */
export async function checkQcow2(input: {
  handle: FileHandle;
  path: string;
  subject: string;
  ctx: ApplyContext;
}): Promise<string | undefined> {
  const { handle, path, subject, ctx } = input;
  const args = ["check", qcow2WithoutBacking(handle)];
  try {
    const result = await ctx.runner("qemu-img", args, {
      timeoutMs: TIMEOUTS.fsck,
      okExitCodes: [0, CHECK_LEAKS],
    });
    return result.exitCode === CHECK_LEAKS
      ? `qemu-img check found leaked clusters in ${path} (space only; repair with qemu-img check -r leaks)`
      : undefined;
  } catch (cause) {
    throw new VolplanError(
      "QCOW2_CHECK_FAILED",
      `volume ${subject}: qemu-img check reports errors in ${path}; volplan leaves it as it is. Inspect it with qemu-img check -f qcow2 ${path} while no VM uses it, and repair it yourself (qemu-img check -r all).`,
      { cause },
    );
  }
}

/** The header of an open image, read through a second, read-only descriptor of the same inode. */
export async function readHeaderOf(handle: FileHandle): Promise<FoundImage> {
  const reader = await open(descriptorPath(handle), constants.O_RDONLY);
  try {
    const size = (await reader.stat()).size;
    return readImageHeader((length) => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(reader.fd, buffer, 0, length, 0));
    }, size);
  } finally {
    await reader.close();
  }
}

/** What an image must be after a qemu-img step: qcow2 of a virtual size, with a backing file or none (not checked when absent). */
interface ExpectedQcow2 {
  readonly virtualSize: number;
  readonly backing?: Qcow2Header["backing"];
}

// Why `found` is not what `expected` says, or null.
function qcow2Problem(found: FoundImage, expected: ExpectedQcow2): string | null {
  if (found.format === "raw") return "it has no qcow2 header";
  if (found.format === "unreadable") return `its header is unreadable: ${found.problem}`;
  if (found.virtualSize !== expected.virtualSize)
    return `its virtual size is ${formatBytes(found.virtualSize)}, not ${formatBytes(expected.virtualSize)}`;
  const backing = JSON.stringify(found.backing);
  if (expected.backing !== undefined && backing !== JSON.stringify(expected.backing))
    return `it records ${backing} as its backing file, not ${JSON.stringify(expected.backing)}`;
  return null;
}

/** The open image's header; fails (QCOW2_UNEXPECTED, or `code`) unless it is what `expected` says. */
export async function assertQcow2(input: {
  handle: FileHandle;
  path: string;
  subject: string;
  expected: ExpectedQcow2;
  code?: string;
}): Promise<Qcow2Header> {
  const { path, subject, expected } = input;
  const found = await readHeaderOf(input.handle);
  const problem = qcow2Problem(found, expected);
  if (problem === null && found.format === "qcow2") return found;
  throw new VolplanError(
    input.code ?? "QCOW2_UNEXPECTED",
    `volume ${subject}: ${path} is not the qcow2 image volplan expected: ${problem}. Run volplan plan again.`,
  );
}
