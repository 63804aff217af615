// Named step boundaries inside apply, where a test may stop the process to kill it exactly there.
import { writeSync } from "node:fs";

/** Every step boundary the engine reports to its hook, in the order they occur within an action. */
export const STEP_NAMES = [
  "create:after-open",
  "create:after-nocow",
  "create:after-truncate",
  "create:after-mkfs",
  "create:after-convert",
  "create:after-check",
  "create:after-chown",
  "create:after-fsync",
  "create:after-link",
  "create:after-unlink-temp",
  "seed:after-open",
  "seed:after-copy",
  "seed:after-label",
  "seed:after-grow",
  "seed:after-check",
  "seed:after-chown",
  "seed:after-fsync",
  "seed:after-link",
  "seed:after-unlink-temp",
  "grow:after-check",
  "grow:after-qemu-resize",
  "grow:after-truncate",
  "grow:after-fsync",
  "grow:after-fsck",
  "grow:after-resize",
  "grow:after-attach",
  "grow:after-mount",
  "allocate:after-fallocate",
  "repair:after-fsck",
  "set-ownership:after-chown",
  "remove-temp:after-unlink",
] as const;

/** One step boundary name. */
export type StepName = (typeof STEP_NAMES)[number];

/** Called at every step boundary with the step and the volume; the CLI builds it (test-only stop), the engine only calls it. */
export type StepHook = (step: StepName, subject: string) => void | Promise<void>;

/** A hook that does nothing. */
export const noHook: StepHook = () => undefined;

/** Whether a string names a step boundary. */
export function isStepName(value: string): value is StepName {
  return (STEP_NAMES as readonly string[]).includes(value);
}

/**
 * The test-only hook behind VOLPLAN_TEST_STOP_AT: at `stopAt` it writes "VOLPLAN_STOPPED <step>"
 * to stderr and sends this process SIGSTOP, so a crash test can SIGKILL it exactly there.
 * Why writeSync: the line must be out before the process stops.
 */
export function stopAtHook(stopAt: StepName): StepHook {
  return (step) => {
    if (step !== stopAt) return;
    writeSync(2, `VOLPLAN_STOPPED ${step}\n`);
    process.kill(process.pid, "SIGSTOP");
  };
}
