// Atomic creation of qcow2 images from a base image: a thin overlay that records the base as its
// backing file, or a standalone qcow2 copy converted from it; written by qemu-img into a temp file
// beside the image, read back and checked with qemu-img check, then linked into place.
import { constants } from "node:fs";
import type { Stats } from "node:fs";
import { open, readlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import type { SeedAction } from "../plan/types.js";
import { makeImageViaTemp } from "./commit-temp.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNothingAt } from "./create.js";
import { assertQcow2, checkQcow2, qcow2WithoutBacking, readHeaderOf } from "./qcow2-tools.js";
import { checkParentChain, descriptorPath } from "./safe-fs.js";
import { readableSeed } from "./seed-access.js";

// Why the base open as `handle` is no longer what the plan saw, or null: a regular file in the
// format the plan read, with no backing file of its own, no larger (to the guest) than the
// volume; for an overlay, the declared name leads to it without a symlink (the overlay records
// the name, see plan), read from the descriptor, not looked up again.
async function baseProblem(
  action: SeedAction,
  handle: FileHandle,
  info: Stats,
): Promise<string | null> {
  if (!info.isFile()) return "is not a regular file";
  if (action.mode === "backing" && (await readlink(descriptorPath(handle))) !== action.from)
    return "leads through a symlink";
  const header = await readHeaderOf(handle);
  const declared = action.backing_format ?? "raw";
  if (header.format === "unreadable") return `is an unreadable qcow2 image, not ${declared}`;
  if (header.format !== declared) return `is a ${header.format} image, not ${declared}`;
  if (header.format === "qcow2" && header.backing !== null)
    return `has a backing file of its own (${JSON.stringify(header.backing.file)}), which qemu-img would read as root`;
  const size = header.format === "qcow2" ? header.virtualSize : info.size;
  if (size === 0 || size > action.size)
    return `holds ${size} bytes, not between 1 and ${action.size}`;
  return null;
}

// Opens the base (symlinks followed, as for raw seeds) and checks it (baseProblem, readableSeed).
async function openBase(action: SeedAction): Promise<FileHandle> {
  const handle = await open(action.from, constants.O_RDONLY | constants.O_NONBLOCK);
  const checked = async () => {
    const info = await handle.stat();
    return { info, problem: await baseProblem(action, handle, info) };
  };
  const { info, problem } = await checked().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (problem === null) return readableSeed(action, handle, info);
  await handle.close();
  throw new VolplanError(
    "SEED_CHANGED",
    `volume ${action.volume}: base image ${action.from} ${problem} now; it changed since the plan was made, and nothing was made from it. Run volplan plan again.`,
  );
}

// Writes the new image into `out`: a thin overlay naming the base by its declared path (what
// the overlay records, exactly), or a conversion read through the checked descriptor.
async function writeFromBase(input: {
  action: SeedAction;
  base: FileHandle;
  out: string;
  ctx: ApplyContext;
}): Promise<void> {
  const { action, base, out, ctx } = input;
  const format = action.backing_format ?? "raw";
  if (action.mode === "backing") {
    // -u: the base is not opened again (volplan checked it above, and the size is given), so
    // qemu-img, as root, never follows a backing chain the base may have gained since.
    const args = ["create", "-f", "qcow2", "-u", "-b", action.from, "-F", format, out];
    await ctx.runner("qemu-img", [...args, String(action.size)], { timeoutMs: TIMEOUTS.quick });
    return;
  }
  // A qcow2 base is read without a backing file (it was checked to have none).
  const source =
    format === "qcow2" ? [qcow2WithoutBacking(base)] : ["-f", "raw", descriptorPath(base)];
  const args = ["convert", ...source, "-O", "qcow2", out];
  await ctx.runner("qemu-img", args, { timeoutMs: TIMEOUTS.copy });
  await ctx.hook("seed:after-copy", action.volume);
  // Never --shrink: the base was checked to be no larger than the volume.
  await ctx.runner("qemu-img", ["resize", "-f", "qcow2", out, String(action.size)], {
    timeoutMs: TIMEOUTS.quick,
  });
  await ctx.hook("seed:after-grow", action.volume);
}

/** Creates action.path as a qcow2 copy of action.from, or a thin overlay backed by it. */
export async function applySeedQcow2(action: SeedAction, ctx: ApplyContext): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNothingAt(action.path);
  const base = await openBase(action);
  try {
    return await makeImageViaTemp({
      finalPath: action.path,
      ownership: action.ownership,
      ctx,
      subject,
      prefix: "seed",
      fill: async (handle) => {
        await ctx.hook("seed:after-open", subject);
        await writeFromBase({ action, base, out: descriptorPath(handle), ctx });
        const backing =
          action.mode === "backing"
            ? { file: action.from, format: action.backing_format ?? "raw" }
            : null;
        const expected = { virtualSize: action.size, backing };
        await assertQcow2({ handle, path: action.path, subject, expected });
        const note = await checkQcow2({ handle, path: action.path, subject, ctx });
        await ctx.hook("seed:after-check", subject);
        return note ?? action.note;
      },
    });
  } finally {
    await base.close();
  }
}
