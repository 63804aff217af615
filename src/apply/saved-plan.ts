// Reads a plan saved by `volplan plan --out` and checks it against the host observed now.
import { readFile } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import validatePlan from "../generated/validate-plan.js";
import type { Plan } from "../plan/types.js";

/** A saved plan with the two fields apply needs. */
export interface SavedPlan {
  readonly plan: Plan;
  readonly fingerprint: string;
  /** The embedded manifest, as JSON text for parseManifestText. */
  readonly manifestText: string;
}

/** Reads and validates a saved plan file; throws SAVED_PLAN_INVALID with what is wrong. */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  const text = await readFile(file, "utf8").catch((cause: NodeJS.ErrnoException) => {
    throw new VolplanError(
      "SAVED_PLAN_INVALID",
      `cannot read plan file ${file}: ${cause.message}`,
      { cause },
    );
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new VolplanError(
      "SAVED_PLAN_INVALID",
      `${file} is not JSON; save a plan with volplan plan --out FILE.`,
      { cause },
    );
  }
  if (!validatePlan(data)) {
    const first = validatePlan.errors?.[0];
    const where =
      first === undefined ? "" : `: ${first.instancePath || "/"} ${first.message ?? ""}`;
    throw new VolplanError("SAVED_PLAN_INVALID", `${file} is not a volplan plan${where}.`);
  }
  const plan = data as Plan;
  if (plan.fingerprint === undefined || plan.manifest === undefined) {
    throw new VolplanError(
      "SAVED_PLAN_INVALID",
      `${file} has no fingerprint or manifest; only plans saved with volplan plan --out can be applied. Run volplan plan --out ${file} again.`,
    );
  }
  return { plan, fingerprint: plan.fingerprint, manifestText: JSON.stringify(plan.manifest) };
}
