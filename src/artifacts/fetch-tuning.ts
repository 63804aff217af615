// Timeouts, retries, redirect limits and the minimum rate of artifact downloads (small values in tests).

/** How hard a download tries before moving to the next mirror. */
export interface FetchTuning {
  /** Milliseconds until response headers arrive. */
  readonly connectTimeoutMs: number;
  /** Milliseconds without a body chunk before the transfer is abandoned (and resumed on retry). */
  readonly idleTimeoutMs: number;
  /** A mirror that sends fewer bytes per second than this, averaged over `slowWindowMs`, is abandoned for the next one. */
  readonly minBytesPerSecond: number;
  readonly slowWindowMs: number;
  /** Attempts per URL that make no progress before the next mirror is tried. */
  readonly attempts: number;
  /** First retry delay; doubled after every failed attempt (capped at 30 s). */
  readonly backoffMs: number;
  readonly maxRedirects: number;
}

/** Defaults for real networks. */
export const DEFAULT_TUNING: FetchTuning = {
  connectTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  minBytesPerSecond: 10 * 1024,
  slowWindowMs: 60_000,
  attempts: 4,
  backoffMs: 500,
  maxRedirects: 5,
};

/** Delay before retry number `failures` (1-based): exponential, capped. */
export function backoffDelay(tuning: FetchTuning, failures: number): number {
  return Math.min(30_000, tuning.backoffMs * 2 ** Math.max(0, failures - 1));
}
