// A minimum transfer rate: a mirror that drips bytes is abandoned after a bounded time (the host lock is held meanwhile).

/** Counts bytes as they arrive; calls `onSlow` once a whole window brought fewer than the minimum. */
export interface RateWatch {
  add(bytes: number): void;
  stop(): void;
}

/** Starts a watch whose windows of `windowMs` must each bring `minBytesPerSecond × windowMs / 1000` bytes. */
export function watchRate(input: {
  readonly minBytesPerSecond: number;
  readonly windowMs: number;
  readonly onSlow: (bytes: number) => void;
}): RateWatch {
  const needed = (input.minBytesPerSecond * input.windowMs) / 1000;
  let bytes = 0;
  // One timer per window, not per chunk; a transfer that keeps the pace never hears of it.
  const timer =
    needed > 0
      ? setInterval(() => {
          if (bytes < needed) {
            clearInterval(timer);
            input.onSlow(bytes);
          }
          bytes = 0;
        }, input.windowMs)
      : undefined;
  return {
    add: (n) => {
      bytes += n;
    },
    stop: () => clearInterval(timer),
  };
}
