// After the steps: observe every volume apply changed again (read-only) and check it is what the
// plan promised. A mismatch fails the step that promised it, with what differs; never "done".
import type { DesiredState } from "../manifest/desired.js";
import type { ObserveOptions } from "../observe/observe.js";
import { observe } from "../observe/observe.js";
import { modeText } from "../plan/ownership.js";
import { fillsImage } from "../plan/growth.js";
import { allocationVisible, hasHoles } from "../plan/upkeep.js";
import type { ObservedEntry, Snapshot } from "../plan/snapshot.js";
import type { Plan } from "../plan/types.js";
import { formatBytes } from "../units/size.js";
import type { Aspect, Promised } from "./promised.js";
import { promisesOf } from "./promised.js";
import type { ActionResult, ApplyReport } from "./report.js";
import { totalsOf } from "./report.js";

type FileEntry = Extract<ObservedEntry, { type: "file" }>;

/** One part of a promise that does not hold. */
export interface Mismatch {
  readonly aspect: Aspect;
  readonly text: string;
}

// The size, filesystem and label parts of a promise.
function contentMismatches(promised: Promised, entry: FileEntry): Mismatch[] {
  const out: Mismatch[] = [];
  if (promised.size !== undefined && entry.size !== promised.size) {
    const text = `it is ${formatBytes(entry.size)} (${entry.size} bytes), not ${formatBytes(promised.size)}`;
    out.push({ aspect: "size", text });
  }
  const fs = entry.filesystem;
  const want = promised.filesystem;
  if (want !== undefined && want !== null) {
    if (fs?.type !== want.type) {
      out.push({
        aspect: "filesystem",
        text: `it holds ${fs?.type ?? "no filesystem"}, not ${want.type}`,
      });
    } else if (want.label !== null && fs.label !== want.label) {
      const text = `its label is ${JSON.stringify(fs.label)}, not ${JSON.stringify(want.label)}`;
      out.push({ aspect: "filesystem", text });
    }
  }
  if (promised.fills === true && fs !== null && !fillsImage(fs, entry.size)) {
    const text = `its ${fs.type} filesystem spans ${formatBytes(fs.size)} of the image's ${formatBytes(entry.size)}`;
    out.push({ aspect: "fills", text });
  }
  return out;
}

// The qcow2 part of a promise: a qcow2 header, clean, with the promised backing file.
function imageMismatches(promised: Promised, entry: FileEntry): Mismatch[] {
  if (promised.image === undefined) return [];
  const image = entry.image;
  if (image?.format !== "qcow2") {
    const found =
      image?.format === "unreadable"
        ? `an unreadable header (${image.problem})`
        : "no qcow2 header";
    return [{ aspect: "image", text: `it has ${found}` }];
  }
  if (image.corrupt || image.dirty)
    return [
      { aspect: "image", text: `its header is marked ${image.corrupt ? "corrupt" : "dirty"}` },
    ];
  const want = promised.image.backing;
  if (JSON.stringify(image.backing) !== JSON.stringify(want))
    return [
      {
        aspect: "image",
        text: `it records ${JSON.stringify(image.backing)} as its backing file, not ${JSON.stringify(want)}`,
      },
    ];
  return [];
}

/** What sits at the path instead of an image file, as a phrase. */
function foundInstead(entry: Exclude<ObservedEntry, { type: "file" }> | undefined): string {
  switch (entry?.type) {
    case undefined:
    case "missing":
      return "there is nothing at the path";
    case "symlink":
      return `the path is a symlink to ${JSON.stringify(entry.target)}`;
    case "directory":
      return "the path is a directory";
    case "block-device":
      return "the path is a block device";
    case "other":
      return `the path is ${entry.detail}`;
  }
}

/** What differs between a promise and the volume as observed now (empty when it holds). */
export function mismatches(promised: Promised, snapshot: Snapshot): Mismatch[] {
  const observed = snapshot.volumes[promised.volume];
  const entry = observed?.entry;
  if (entry?.type !== "file")
    return [{ aspect: "size", text: `${foundInstead(entry)}, not an image file` }];
  const out = [...contentMismatches(promised, entry), ...imageMismatches(promised, entry)];
  const visible = allocationVisible(snapshot.filesystems[observed?.filesystem ?? ""]?.type);
  if (promised.allocated === true && visible && hasHoles(entry))
    out.push({
      aspect: "allocated",
      text: `only ${formatBytes(entry.allocated)} of it is allocated`,
    });
  if (
    promised.repaired === true &&
    (entry.filesystem?.ext?.errors === true || entry.interrupted === true)
  ) {
    const text = "its filesystem still records errors, or the killed resize is still pending";
    out.push({ aspect: "repaired", text });
  }
  const own = promised.ownership;
  const mode = modeText(entry.mode);
  if (own !== undefined && (entry.uid !== own.uid || entry.gid !== own.gid || mode !== own.mode)) {
    const text = `it has uid ${entry.uid}, gid ${entry.gid}, mode ${mode}, not uid ${own.uid}, gid ${own.gid}, mode ${own.mode}`;
    out.push({ aspect: "ownership", text });
  }
  return out;
}

/** Re-observes the volumes apply changed; each one that is not as promised fails (its last step). */
export async function verifyApply(input: {
  plan: Plan;
  report: ApplyReport;
  desired: DesiredState;
  observeOptions?: ObserveOptions;
}): Promise<ApplyReport> {
  const { plan, report, desired } = input;
  const promised = promisesOf({ plan, report, desired });
  if (promised.length === 0) return report;
  const ids = new Set(promised.map((p) => p.volume));
  const subset: DesiredState = {
    ...desired,
    volumes: desired.volumes.filter((v) => ids.has(v.id)),
    artifacts: [],
  };
  const snapshot = await observe(subset, { holders: "writable", ...input.observeOptions });
  const results: ActionResult[] = [...report.results];
  for (const p of promised) {
    // Each part that does not hold fails the action that promised it.
    const byAction = new Map<number, string[]>();
    for (const m of mismatches(p, snapshot)) {
      const index = p.by[m.aspect] ?? -1;
      byAction.set(index, [...(byAction.get(index) ?? []), m.text]);
    }
    for (const [index, found] of byAction) {
      const result = results[index];
      if (result === undefined) continue;
      results[index] = {
        ...result,
        status: "failed",
        error: {
          code: "VERIFY_MISMATCH",
          message: `volume ${p.volume}: ${result.kind} reported success, but ${p.path} is not what the plan promised: ${found.join("; ")}. Run volplan plan to see what is left to do.`,
        },
      };
    }
  }
  return { ...report, results, totals: totalsOf(results) };
}
