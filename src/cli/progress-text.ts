// The text of one progress report: a bar, bytes, rate and time left.
import { formatBytes } from "../units/size.js";
import type { ProgressEvent } from "../apply/context.js";

/** Bytes done at a moment (milliseconds on any monotonic clock). */
export interface Sample {
  readonly at: number;
  readonly done: number;
}

const BAR_WIDTH = 20;

/** Bytes per second over the samples, or null until they span some time. */
export function rateOf(samples: readonly Sample[]): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last.at - first.at < 200) return null;
  return ((last.done - first.done) * 1000) / (last.at - first.at);
}

/** "artifact kexec download [####......]  45% 160 MiB / 350 MiB, 52 MiB/s, 4 s left" (no bar in logs). */
export function progressText(event: ProgressEvent, rate: number | null, bar = true): string {
  const head = `${event.subject} ${event.step}`;
  const speed = rate === null ? "" : `, ${formatBytes(Math.round(rate))}/s`;
  if (event.total === null || event.total <= 0) return `${head} ${formatBytes(event.done)}${speed}`;
  const ratio = Math.min(1, Math.max(0, event.done / event.total));
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const left = event.total - event.done;
  const eta = rate === null || rate <= 0 || left <= 0 ? "" : `, ${duration(left / rate)} left`;
  const filled = Math.round(ratio * BAR_WIDTH);
  const drawn = bar ? ` [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]` : "";
  return `${head}${drawn} ${percent} ${formatBytes(event.done)} / ${formatBytes(event.total)}${speed}${eta}`;
}

/** "4 s", "2 min 05 s", "1 h 03 min". */
export function duration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, "0")} min`;
}
