// What every action executor receives: the command runner, the step hook, a progress sink and the run's host facts.
import type { OpenFiles } from "../host/open-files.js";
import type { Runner } from "../host/runner.js";
import type { StepHook } from "./steps.js";

/** Long work moved on: `done` of `total` bytes (downloads, seed copies, zero-fills), for the CLI's progress sink. */
export interface ProgressEvent {
  /** What the work is on: a volume id, "artifact NAME". */
  readonly subject: string;
  /** What is being done: "download", "copy", "zero", "grow-zero". */
  readonly step: string;
  readonly done: number;
  /** null when the end is not known in advance. */
  readonly total: number | null;
}

/** Effects an executor may use; tests swap the runner to record or fail commands. */
export interface ApplyContext {
  readonly runner: Runner;
  readonly hook: StepHook;
  readonly onProgress: (event: ProgressEvent) => void;
  /** Open descriptors of other processes, each process scanned once per run (see host/open-files.ts). */
  readonly openFiles: OpenFiles;
  /** Where xfs and btrfs growth mounts images (the state layout's growMounts). */
  readonly growMounts: string;
  /** Where intent records of steps a kill could leave half done go (the state layout's intents). */
  readonly intents: string;
}

/** What a successful executor returns. */
export interface StepOutcome {
  /** A fallback or detail worth showing beside "done". */
  readonly note?: string;
}

/** Timeouts of the external commands apply runs, in milliseconds. */
export const TIMEOUTS = {
  quick: 60_000,
  fallocate: 10 * 60_000,
  mkfs: 30 * 60_000,
  copy: 6 * 60 * 60_000,
  fsck: 2 * 60 * 60_000,
  resize: 2 * 60 * 60_000,
  mount: 5 * 60_000,
} as const;
