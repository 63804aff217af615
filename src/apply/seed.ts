// Seeding: a new image as a hole-preserving (reflink where possible) copy of a base image.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { formatBytes } from "../units/size.js";
import type { SeedAction } from "../plan/types.js";
import { makeImageViaTemp } from "./commit-temp.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNothingAt } from "./create.js";
import { detectFilesystem, HEAD_BYTES } from "../observe/superblock/detect.js";
import type { FoundFilesystem } from "../plan/snapshot.js";
import { relabelCommand } from "../plan/relabel-command.js";
import { readableSeed } from "./seed-access.js";
import { allocatedOf, checkParentChain, descriptorPath } from "./safe-fs.js";

const MIB = 1024 * 1024;

/** How many more bytes the copy may allocate than its source before it counts as filled in. */
export function seedTolerance(sourceAllocated: number): number {
  return Math.max(MIB, Math.ceil(sourceAllocated / 100));
}

// Opens the seed for the copy and checks what it is. Why a descriptor: cp then reads the very
// file checked here (through /proc/self/fd), not whatever the name points at a moment later.
// Symlinks are followed (seeds in Nix profiles are links into the store); O_NONBLOCK keeps a
// FIFO swapped in from hanging the open; it is refused below as what it is.
async function openSeed(action: SeedAction): Promise<FileHandle> {
  const handle = await open(action.from, constants.O_RDONLY | constants.O_NONBLOCK);
  const info = await handle.stat();
  const problem = !info.isFile()
    ? "is not a regular file"
    : info.size === 0
      ? "is empty"
      : info.size > action.size
        ? `is ${formatBytes(info.size)}, larger than the declared ${formatBytes(action.size)}`
        : null;
  if (problem === null) return readableSeed(action, handle, info);
  await handle.close();
  throw new VolplanError(
    "SEED_CHANGED",
    `volume ${action.volume}: seed ${action.from} ${problem} now; it changed since the plan was made, and nothing was copied. Run volplan plan again.`,
  );
}

/** Creates action.path from action.from: cp --reflink=auto --sparse=always into a temp file, check, label, grow, link. */
export async function applySeed(action: SeedAction, ctx: ApplyContext): Promise<StepOutcome> {
  const subject = action.volume;
  await checkParentChain(action.path);
  await assertNothingAt(action.path);
  const seed = await openSeed(action);
  try {
    const source = await seed.stat();
    // Why create the temp ourselves first: cp then writes into a file we made with O_EXCL|O_NOFOLLOW,
    // so it can never be steered through a symlink. No NOCOW on btrfs here: it would stop reflinks.
    return await makeImageViaTemp({
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
          ["--reflink=auto", "--sparse=always", "--", descriptorPath(seed), into],
          { timeoutMs: TIMEOUTS.copy },
        );
        await reportGrowth({ handle, total: allocatedOf(source), subject, ctx }, copy);
        await ctx.hook("seed:after-copy", subject);
        const copied = await handle.stat();
        // The copy is checked before it is named: a seed that grew or shrank while it was read
        // gives a copy of neither version, and one larger than declared could never be shrunk.
        if (copied.size !== source.size || (await seed.stat()).size !== source.size) {
          throw new VolplanError(
            "SEED_CHANGED",
            `volume ${subject}: seed ${action.from} changed while it was copied (${formatBytes(source.size)} when the copy began, the copy ${formatBytes(copied.size)}); the copy was removed. Make sure nothing writes the seed, then run volplan apply again.`,
          );
        }
        const limit = allocatedOf(source) + seedTolerance(allocatedOf(source));
        if (allocatedOf(copied) > limit) {
          throw new VolplanError(
            "SEED_DENSIFIED",
            `volume ${subject}: copying ${action.from} allocated ${formatBytes(allocatedOf(copied))}, but the source allocates ${formatBytes(allocatedOf(source))}; the copy lost its holes and was removed. Check that cp supports --sparse=always on this filesystem.`,
          );
        }
        if (action.relabel !== undefined) {
          await relabel({ action, relabel: action.relabel, handle, ctx });
          await ctx.hook("seed:after-label", subject);
        }
        if (copied.size < action.size) {
          await handle.truncate(action.size);
          await ctx.hook("seed:after-grow", subject);
        }
        return action.note;
      },
    });
  } finally {
    await seed.close();
  }
}

// Sets the declared label on the copy (volplan's own new image, not yet named), after checking
// that the copy holds the filesystem the plan saw in the seed.
async function relabel(input: {
  action: SeedAction;
  relabel: NonNullable<SeedAction["relabel"]>;
  handle: FileHandle;
  ctx: ApplyContext;
}): Promise<void> {
  const { action, relabel: wanted, handle } = input;
  const found = await readSuperblock(handle);
  if (found?.type !== wanted.fs_type) {
    throw new VolplanError(
      "SEED_CHANGED",
      `volume ${action.volume}: the copy of ${action.from} holds ${found?.type ?? "no filesystem volplan recognizes"}, but the seed held ${wanted.fs_type} when the plan was made; the copy was removed. Run volplan plan again.`,
    );
  }
  const image = descriptorPath(handle);
  const { file, args } = relabelCommand(wanted.fs_type, image, wanted.label);
  await input.ctx.runner(file, args, { timeoutMs: TIMEOUTS.quick });
}

// The filesystem in an open image, read from its first bytes as observe reads it. The temp file
// is open write-only; it is read through a second descriptor of the same inode.
async function readSuperblock(handle: FileHandle): Promise<FoundFilesystem | null> {
  const reader = await open(descriptorPath(handle), constants.O_RDONLY);
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await reader.read(head, 0, HEAD_BYTES, 0);
    return detectFilesystem(head.subarray(0, bytesRead));
  } finally {
    await reader.close();
  }
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
