// One progress sink for long work (downloads, seed copies, zero-fills, long mkfs or resize steps):
// on a terminal a bar redrawn in place; otherwise a plain line at most every 10 % or 30 s, so a log
// (nixos-rebuild switch, a systemd unit) shows the work is alive.
import type { ProgressEvent } from "../apply/context.js";
import type { Writer } from "./command.js";
import { progressText, rateOf, type Sample } from "./progress-text.js";

/** Where long work reports; apply's executors and the artifact fetcher take `report` as their onProgress. */
export interface ProgressSink {
  readonly report: (event: ProgressEvent) => void;
  /** Erases the bar (terminal) so other output starts on a clean line; safe to call anytime. */
  clear(): void;
  /** The latest event of each subject that has not reached its total. */
  running(): ProgressEvent[];
}

const REDRAW_MS = 100;
const LOG_EVERY_MS = 30_000;
const RATE_WINDOW_MS = 5_000;

interface Track {
  last: ProgressEvent;
  samples: Sample[];
  loggedTenth: number;
  loggedAt: number;
}

/** A sink writing to `stream` (stderr): redrawn when `terminal`, plain lines otherwise. */
export function progressSink(input: {
  readonly stream: Writer;
  readonly terminal: boolean;
  readonly now?: () => number;
}): ProgressSink {
  const now = input.now ?? (() => performance.now());
  const tracks = new Map<string, Track>();
  let latest: string | null = null;
  let drawnAt = -Infinity;
  let drawn = false;
  const lineOf = (track: Track) => progressText(track.last, rateOf(track.samples), input.terminal);
  const draw = (at: number) => {
    const track = latest === null ? undefined : tracks.get(latest);
    if (track === undefined) return;
    const others = [...tracks.values()].filter((t) => t !== track && !finished(t.last)).length;
    const more = others > 0 ? ` (+${others} more)` : "";
    input.stream.write(`\r\x1b[K${lineOf(track)}${more}`);
    drawn = true;
    drawnAt = at;
  };
  const report = (event: ProgressEvent) => {
    const at = now();
    const track = remember(tracks, event, at);
    latest = event.subject;
    if (input.terminal) {
      if (at - drawnAt >= REDRAW_MS || finished(event)) draw(at);
      return;
    }
    const tenth = tenthOf(event);
    const first = track.loggedAt === -Infinity;
    if (!first && tenth <= track.loggedTenth && at - track.loggedAt < LOG_EVERY_MS) return;
    track.loggedTenth = tenth;
    track.loggedAt = at;
    input.stream.write(`${lineOf(track)}\n`);
  };
  return {
    report,
    clear: () => {
      if (drawn) input.stream.write("\r\x1b[K");
      drawn = false;
    },
    running: () => [...tracks.values()].map((t) => t.last).filter((e) => !finished(e)),
  };
}

function remember(tracks: Map<string, Track>, event: ProgressEvent, at: number): Track {
  let track = tracks.get(event.subject);
  // A new step on the same subject (download, then verify) starts its own rate and tenths.
  if (track === undefined || track.last.step !== event.step || event.done < track.last.done) {
    track = { last: event, samples: [], loggedTenth: -1, loggedAt: -Infinity };
    tracks.set(event.subject, track);
  }
  track.last = event;
  track.samples.push({ at, done: event.done });
  while (track.samples.length > 2 && at - (track.samples[0]?.at ?? at) > RATE_WINDOW_MS)
    track.samples.shift();
  return track;
}

function finished(event: ProgressEvent): boolean {
  return event.total !== null && event.done >= event.total;
}

// Which tenth of the way the work is in; unknown totals never cross one (only the 30 s rule logs them).
function tenthOf(event: ProgressEvent): number {
  if (event.total === null || event.total <= 0) return -1;
  return Math.floor((Math.min(event.done, event.total) / event.total) * 10);
}
