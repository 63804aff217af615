// What the plan's actions promise about each volume they change: its size, filesystem and label,
// a filesystem that fills it, its allocation, a repair, owner and mode; and which action promised each.
import type { DesiredState } from "../manifest/desired.js";
import type { FoundFilesystem, Qcow2Header } from "../plan/snapshot.js";
import type { Action, Ownership, Plan } from "../plan/types.js";
import type { ApplyReport } from "./report.js";

/** The parts of a volume's end state a plan can promise. */
export type Aspect =
  "size" | "filesystem" | "fills" | "allocated" | "repaired" | "ownership" | "image";

/** The end state the plan's actions for one volume promise, and which action promised each part. */
export interface Promised {
  readonly volume: string;
  readonly path: string;
  size?: number;
  /** The filesystem type and (when set) label the image holds; null: a raw image, unchecked. */
  filesystem?: { readonly type: FoundFilesystem["type"]; readonly label: string | null } | null;
  /** The filesystem spans the image (it was made or grown to). */
  fills?: boolean;
  /** Every byte allocated (preallocated or zero-filled). */
  allocated?: boolean;
  /** No errors recorded in the superblock, no killed resize pending. */
  repaired?: boolean;
  ownership?: Ownership;
  /** A qcow2 image (its size is the virtual size) with this backing file, or none. */
  image?: { readonly backing: Qcow2Header["backing"] };
  /** Index in the plan of the action that promised each part. */
  readonly by: Partial<Record<Aspect, number>>;
}

// A new qcow2 image: its virtual size, backing file and ownership; what is inside is not inspected.
function promiseQcow2(
  p: Promised,
  action: Extract<Action, { kind: "create" | "seed" }>,
  index: number,
): void {
  const by = p.by as Record<Aspect, number>;
  p.size = action.size;
  const backing =
    action.kind === "seed" && action.mode === "backing"
      ? { file: action.from, format: action.backing_format ?? "raw" }
      : null;
  p.image = { backing };
  p.ownership = action.ownership;
  for (const aspect of ["size", "image", "ownership"] as const) by[aspect] = index;
}

// What one action (at `index` in the plan) adds to its volume's promise.
function promise(input: {
  p: Promised;
  action: Action;
  index: number;
  desired: DesiredState;
}): void {
  const { p, action, index } = input;
  const by = p.by as Record<Aspect, number>;
  const declared = input.desired.volumes.find((v) => v.id === p.volume);
  if ((action.kind === "create" || action.kind === "seed") && action.image_format === "qcow2") {
    promiseQcow2(p, action, index);
    return;
  }
  switch (action.kind) {
    case "create":
      p.size = action.size;
      p.filesystem =
        action.format.type === "none"
          ? null
          : { type: action.format.type, label: action.format.label };
      p.fills = action.format.type !== "none";
      p.allocated = action.allocation !== "sparse";
      p.ownership = action.ownership;
      for (const aspect of ["size", "filesystem", "fills", "allocated", "ownership"] as const)
        by[aspect] = index;
      return;
    case "seed": {
      const type = action.relabel?.fs_type ?? declared?.format.type ?? "none";
      const label = action.relabel?.label ?? declared?.format.label ?? null;
      p.size = action.size;
      p.filesystem = type === "none" ? null : { type, label };
      p.ownership = action.ownership;
      for (const aspect of ["size", "filesystem", "ownership"] as const) by[aspect] = index;
      return;
    }
    case "grow-image":
      p.size = action.to;
      by.size = index;
      return;
    case "grow-filesystem":
      p.fills = true;
      by.fills = index;
      if ((action.allocation ?? "sparse") !== "sparse") {
        p.allocated = true;
        by.allocated = index;
      }
      return;
    case "allocate":
      p.allocated = true;
      by.allocated = index;
      return;
    case "repair-filesystem":
      p.repaired = true;
      by.repaired = index;
      return;
    case "set-ownership":
      p.ownership = action.to;
      by.ownership = index;
      return;
    case "remove-temp":
    case "no-change":
    case "refuse":
    case "artifact-fetch":
    case "artifact-ok":
    case "artifact-refuse":
      return;
  }
}

/** Per volume whose every action is done, what those actions promise (volumes with nothing done are left out). */
export function promisesOf(input: {
  plan: Plan;
  report: ApplyReport;
  desired: DesiredState;
}): Promised[] {
  const byVolume = new Map<string, { p: Promised; done: boolean; wrote: boolean }>();
  input.plan.actions.forEach((action, index) => {
    if (!("volume" in action) || action.kind === "remove-temp") return;
    const entry = byVolume.get(action.volume) ?? {
      p: { volume: action.volume, path: action.path, by: {} },
      done: true,
      wrote: false,
    };
    if (action.kind !== "no-change" && action.kind !== "refuse") {
      entry.wrote = true;
      if (input.report.results[index]?.status !== "done") entry.done = false;
    }
    promise({ p: entry.p, action, index, desired: input.desired });
    byVolume.set(action.volume, entry);
  });
  return [...byVolume.values()].filter((e) => e.done && e.wrote).map((e) => e.p);
}
