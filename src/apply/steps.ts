// Named step boundaries inside apply, where a test may stop the process to kill it exactly there.

/** Every step boundary the engine reports to its hook, in the order they occur within an action. */
export const STEP_NAMES = [
  "create:after-open",
  "create:after-nocow",
  "create:after-truncate",
  "create:after-mkfs",
  "create:after-chown",
  "create:after-fsync",
  "create:after-link",
  "create:after-unlink-temp",
  "seed:after-open",
  "seed:after-copy",
  "seed:after-grow",
  "seed:after-chown",
  "seed:after-fsync",
  "seed:after-link",
  "seed:after-unlink-temp",
  "grow:after-truncate",
  "grow:after-fsync",
  "grow:after-fsck",
  "grow:after-resize",
  "grow:after-loop-attach",
  "grow:after-mount",
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
