// Keeps downloads from filling the cache's filesystem past the reserve their caller gives.
import { statfsSync } from "node:fs";
import path from "node:path";
import { freeBytesAt, nearestExisting } from "../host/statfs.js";
import { VolplanError } from "../errors.js";
import type { Reserve } from "../manifest/desired.js";
import { reserveBytes } from "../plan/space-budget.js";
import { formatBytes } from "../units/size.js";

/** How far downloads may fill the cache's filesystem: free space never falls below `reserve` bytes. */
export interface CacheRoom {
  readonly reserve: number;
  /** Bytes free on the cache's filesystem now (tests inject a fault here). */
  readonly freeBytes: () => Promise<number>;
}

/** A room of `reserve` bytes on the filesystem holding `dir` (or its nearest existing parent). */
export function roomAt(dir: string, reserve: number): CacheRoom {
  return { reserve, freeBytes: () => Promise.resolve(freeBytesAt(path.join(dir, "-"))) };
}

/** The bytes policy.reserve keeps free on the filesystem of `dir`, as plan computes it. */
export function policyReserveAt(dir: string, reserve: Reserve): number {
  if (reserve.kind === "bytes") return reserve.bytes;
  const info = statfsSync(nearestExisting(dir), { bigint: true });
  return reserveBytes(reserve, Number(info.blocks * info.bsize));
}

/** A download stopped because it would take free space below the reserve. */
export class RoomError extends VolplanError {
  /** True when bytes of this transfer were written before it stopped (false: refused up front). */
  readonly started: boolean;

  constructor(input: {
    readonly started: boolean;
    readonly at: number;
    readonly needed: number | null;
    readonly free: number;
    readonly reserve: number;
  }) {
    const more = input.needed === null ? "" : ` (it needs ${formatBytes(input.needed)} more)`;
    const what = input.started
      ? `stopped after ${formatBytes(input.at)}${more}: writing on`
      : `not started${more}: downloading it`;
    super(
      "ARTIFACT_RESERVE",
      `${what} would leave less than the reserve of ${formatBytes(input.reserve)} free (${formatBytes(input.free)} free now)`,
    );
    this.name = "RoomError";
    this.started = input.started;
  }
}

/** Throws RoomError unless `bytes` more fit above the reserve. */
export async function ensureRoom(input: {
  readonly room: CacheRoom | null;
  readonly bytes: number;
  readonly at: number;
  readonly started: boolean;
  readonly total: number | null;
}): Promise<void> {
  const { room } = input;
  if (room === null || input.bytes <= 0) return;
  const free = await room.freeBytes();
  if (free - input.bytes >= room.reserve) return;
  throw new RoomError({
    started: input.started,
    at: input.at,
    needed: input.total === null ? null : input.total - input.at,
    free,
    reserve: room.reserve,
  });
}
