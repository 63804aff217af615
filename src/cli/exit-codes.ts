// Exit codes, as docs/architecture.md lists them, and the one a plan maps to.
import type { Plan } from "../plan/types.js";

/** Exit statuses of every command. */
export const EXIT = {
  ok: 0,
  error: 1,
  changes: 2,
  refused: 3,
  infeasible: 4,
} as const;

/** Infeasible beats refusals, refusals beat pending changes (2 only with --detailed-exitcode). */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (!plan.feasible) return EXIT.infeasible;
  if (plan.summary.refused > 0) return EXIT.refused;
  const s = plan.summary;
  const changes = s.create + s.grow + s.change + s.fetch > 0;
  return detailed && changes ? EXIT.changes : EXIT.ok;
}
