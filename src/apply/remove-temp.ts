// Reclaims a temp file left by an interrupted run: only volplan-named regular files of dead processes.
import { lstat, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { VolplanError } from "../errors.js";
import type { RemoveTempAction } from "../plan/types.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { checkParentChain, fsyncDirectory } from "./safe-fs.js";
import { parseTempName } from "../host/temp-name.js";

/** Whether `pid` is a running volplan; same rule as observe: pids are reused, so a process counts only if its command line names volplan. */
export async function isRunningVolplan(pid: number): Promise<boolean> {
  return readFile(`/proc/${pid}/cmdline`, "utf8").then(
    (cmdline) => cmdline.includes("volplan"),
    () => false,
  );
}

/** Unlinks action.path after checking its name, its type, and that the run that made it is gone. */
export async function applyRemoveTemp(
  action: RemoveTempAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  const parsed = parseTempName(path.basename(action.path));
  if (parsed === null) {
    throw new VolplanError(
      "NOT_A_TEMP_FILE",
      `${action.path} is not named like a volplan temp file; volplan removes nothing else.`,
    );
  }
  await checkParentChain(action.path);
  const info = await lstat(action.path).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") return null;
    throw cause;
  });
  if (info === null) return { note: "already gone" };
  if (!info.isFile())
    throw new VolplanError(
      "NOT_A_TEMP_FILE",
      `${action.path} is not a regular file; volplan leaves it alone.`,
    );
  // Why a live pid blocks removal: another volplan (another state directory) may still be writing it.
  if (parsed.pid === process.pid || (await isRunningVolplan(parsed.pid))) {
    throw new VolplanError(
      "TEMP_FILE_LIVE",
      `${action.path} belongs to process ${parsed.pid}, a volplan that is still running; it is left alone.`,
    );
  }
  await unlink(action.path);
  await fsyncDirectory(path.dirname(action.path));
  await ctx.hook("remove-temp:after-unlink", action.volume);
  return {};
}
