// Seeding: a new image as a hole-preserving (reflink where possible) copy of a base image.
import { stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { formatBytes } from "../units/size.js";
import type { SeedAction } from "../plan/types.js";
import { makeImageViaTemp } from "./commit-temp.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNothingAt } from "./create.js";
import { allocatedOf, checkParentChain, descriptorPath } from "./safe-fs.js";

const MIB = 1024 * 1024;

/** How many more bytes the copy may allocate than its source before it counts as filled in. */
export function seedTolerance(sourceAllocated: number): number {
  return Math.max(MIB, Math.ceil(sourceAllocated / 100));
}

/** Creates action.path from action.from: cp --reflink=auto --sparse=always into a temp file, grow, verify, link. */
export async function applySeed(action: SeedAction, ctx: ApplyContext): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNothingAt(action.path);
  const source = await stat(action.from);
  if (!source.isFile())
    throw new VolplanError(
      "SEED_NOT_FILE",
      `volume ${subject}: seed ${action.from} is not a regular file.`,
    );
  if (source.size > action.size) {
    throw new VolplanError(
      "SEED_TOO_LARGE",
      `volume ${subject}: seed ${action.from} is ${formatBytes(source.size)}, larger than the declared ${formatBytes(action.size)}. Raise size to at least ${formatBytes(source.size)}.`,
    );
  }
  // Why create the temp ourselves first: cp then writes into a file we made with O_EXCL|O_NOFOLLOW,
  // so it can never be steered through a symlink. No NOCOW on btrfs here: it would stop reflinks.
  return makeImageViaTemp({
    finalPath: action.path,
    ownership: action.ownership,
    ctx,
    subject,
    prefix: "seed",
    fill: async (handle) => {
      await ctx.hook("seed:after-open", subject);
      // Why cp and not fs.copyFile or streams: those fill holes in (sparse images become dense).
      const into = descriptorPath(handle);
      const copy = ctx.runner(
        "cp",
        ["--reflink=auto", "--sparse=always", "--", action.from, into],
        {
          timeoutMs: TIMEOUTS.copy,
        },
      );
      await reportGrowth({ handle, total: allocatedOf(source), subject, ctx }, copy);
      await ctx.hook("seed:after-copy", subject);
      const copied = await handle.stat();
      const limit = allocatedOf(source) + seedTolerance(allocatedOf(source));
      if (allocatedOf(copied) > limit) {
        throw new VolplanError(
          "SEED_DENSIFIED",
          `volume ${subject}: copying ${action.from} allocated ${formatBytes(allocatedOf(copied))}, but the source allocates ${formatBytes(allocatedOf(source))}; the copy lost its holes and was removed. Check that cp supports --sparse=always on this filesystem.`,
        );
      }
      if (copied.size < action.size) {
        await handle.truncate(action.size);
        await ctx.hook("seed:after-grow", subject);
      }
      return action.note;
    },
  });
}

const PROGRESS_EVERY_MS = 1000;

// While cp writes into the temp file, its allocated bytes against the source's are the progress.
async function reportGrowth(
  input: { handle: FileHandle; total: number; subject: string; ctx: ApplyContext },
  work: Promise<unknown>,
): Promise<void> {
  const { handle, total, subject, ctx } = input;
  const tick = async (): Promise<void> => {
    const done = Math.min(total, allocatedOf(await handle.stat()));
    ctx.onProgress({ subject, step: "copy", done, total });
  };
  const timer = setInterval(() => void tick().catch(() => undefined), PROGRESS_EVERY_MS);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  ctx.onProgress({ subject, step: "copy", done: total, total });
}
