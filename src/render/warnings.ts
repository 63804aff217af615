// What the views print of a plan's warnings: a filesystem by its mount point, and the warnings
// that every run repeats until a guest acts folded into one short line each.
import type { Plan, PlanWarning } from "../plan/types.js";

/** Warnings that stay true run after run until the guest grows its filesystem. */
const REPEATING: readonly PlanWarning["code"][] = ["filesystem-smaller-than-image"];

/** The short line that stands for the REPEATING warnings of one code. */
const SHORT: Readonly<Partial<Record<PlanWarning["code"], string>>> = {
  "filesystem-smaller-than-image":
    "the filesystem does not fill the image yet; the guest grows it (--verbose says how)",
};

/** A warning's subject as people know it: a host filesystem by its mount point, not its device id. */
function warningSubject(plan: Plan, subject: string): string {
  const fs = plan.filesystems.find((f) => f.id === subject);
  return fs === undefined || fs.mount_point === "" ? subject : fs.mount_point;
}

/** One warning to print: its code, whom it concerns, and what it says. */
export interface ShownWarning {
  readonly code: string;
  readonly subjects: readonly string[];
  readonly message: string;
}

/** The warnings to print: all in full with `verbose`, else the repeating ones one line per code. */
export function shownWarnings(plan: Plan, verbose: boolean): ShownWarning[] {
  const full = (w: PlanWarning): ShownWarning => ({
    code: w.code,
    subjects: [warningSubject(plan, w.subject)],
    message: w.message,
  });
  if (verbose) return plan.warnings.map(full);
  const shown = plan.warnings.filter((w) => !REPEATING.includes(w.code)).map(full);
  for (const code of REPEATING) {
    const subjects = plan.warnings.filter((w) => w.code === code).map((w) => w.subject);
    if (subjects.length > 0) shown.push({ code, subjects, message: SHORT[code] ?? code });
  }
  return shown;
}
