// What the per-volume planners share: the declared volume, what was observed, and helpers.
import type { DesiredVolume } from "../manifest/desired.js";
import type { ObservedFilesystem, ObservedVolume, Snapshot } from "./snapshot.js";
import type { PlanWarning } from "./types.js";
import type { Action } from "./types.js";

/** One volume being planned. */
export interface VolumeContext {
  readonly volume: DesiredVolume;
  readonly observed: ObservedVolume;
  readonly snapshot: Snapshot;
  /** Id of the host filesystem holding the path, or "" when unknown. */
  readonly filesystem: string;
}

/** What planning one volume yields. */
export interface VolumeResult {
  readonly actions: Action[];
  readonly warnings: PlanWarning[];
}

/** The fields every volume action starts with (zero consumption on the volume's filesystem). */
export function volumeBase(ctx: VolumeContext): {
  volume: string;
  path: string;
  consumes: { filesystem: string; bytes: number };
} {
  return {
    volume: ctx.volume.id,
    path: ctx.volume.path,
    consumes: { filesystem: ctx.filesystem, bytes: 0 },
  };
}

/** The observed host filesystem holding the volume, if known. */
export function hostFilesystem(ctx: VolumeContext): ObservedFilesystem | undefined {
  return ctx.snapshot.filesystems[ctx.filesystem];
}

/** Where the volume lives, for messages: the mount point, or the filesystem id when unknown. */
export function hostFilesystemName(ctx: VolumeContext): string {
  return (
    hostFilesystem(ctx)?.mountPoint ??
    (ctx.filesystem === "" ? "an unknown filesystem" : ctx.filesystem)
  );
}

/** A result with a single action and no warnings. */
export function only(action: Action): VolumeResult {
  return { actions: [action], warnings: [] };
}
