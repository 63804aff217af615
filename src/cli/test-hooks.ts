// Test-only step hook: VOLPLAN_TEST_STOP_AT=<step> stops volplan at that step boundary (SIGSTOP),
// so a crash test can SIGKILL it exactly there. Read from the environment here, in the CLI.
import type { StepHook } from "../apply/steps.js";
import { isStepName, stopAtHook } from "../apply/steps.js";
import type { CommandContext } from "./command.js";
import { UsageError } from "./command.js";

/** The hook VOLPLAN_TEST_STOP_AT asks for, or undefined when it is unset. */
export function testStopHook(env: CommandContext["env"]): StepHook | undefined {
  const stopAt = env["VOLPLAN_TEST_STOP_AT"];
  if (stopAt === undefined || stopAt === "") return undefined;
  if (!isStepName(stopAt))
    throw new UsageError(`VOLPLAN_TEST_STOP_AT names no step: '${stopAt}'`, "apply");
  return stopAtHook(stopAt);
}
