// The one-line summary of a plan, shared by every view.
import type { Action, Plan } from "../plan/types.js";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function countKind(actions: readonly Action[], kind: Action["kind"]): number {
  return actions.filter((action) => action.kind === kind).length;
}

/** True when the plan would change nothing and refuses nothing. */
export function isNoOp(plan: Plan): boolean {
  const s = plan.summary;
  return s.create + s.grow + s.change + s.fetch + s.refused === 0;
}

/** True when applying the plan would change something. */
export function hasChanges(plan: Plan): boolean {
  const s = plan.summary;
  return s.create + s.grow + s.change + s.fetch > 0;
}

/** "2 to create, 1 to grow, 0 to change, 12 unchanged, 1 refused" (fetches only when there are any). */
export function summaryCounts(plan: Plan): string {
  const s = plan.summary;
  const fetch = s.fetch > 0 ? [`${s.fetch} to fetch`] : [];
  return [
    `${s.create} to create`,
    ...fetch,
    `${s.grow} to grow`,
    `${s.change} to change`,
    `${s.unchanged} unchanged`,
    `${s.refused} refused`,
  ].join(", ");
}

/** "Plan: …." or "No changes. 12 volumes match the manifest." */
export function summaryLine(plan: Plan): string {
  if (!isNoOp(plan)) return `Plan: ${summaryCounts(plan)}.`;
  const volumes = countKind(plan.actions, "no-change");
  const artifacts = countKind(plan.actions, "artifact-ok");
  const parts = [plural(volumes, "volume", "volumes")];
  if (artifacts > 0) parts.push(plural(artifacts, "artifact", "artifacts"));
  const verb = volumes + artifacts === 1 ? "matches" : "match";
  return `No changes. ${parts.join(" and ")} ${verb} the manifest.`;
}

/** Why nothing will be touched, or null when every filesystem has room. */
export function infeasibleLine(plan: Plan): string | null {
  if (plan.feasible) return null;
  const short = plan.filesystems.filter((fs) => !fs.feasible).map((fs) => fs.mount_point);
  const where =
    short.length > 0 ? `${short.join(", ")} cannot hold the plan` : "the plan does not fit";
  return `Infeasible: ${where} plus the reserve; nothing will be touched. Free space or lower the declared sizes.`;
}
