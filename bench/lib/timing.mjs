// Timing helpers for benchmarks: run commands as child processes, keep the best of N interleaved runs.
import { spawnSync } from "node:child_process";

/** Runs a command once; returns wall-clock milliseconds and its exit status. Throws on unexpected status. */
export function timeCommand({ file, args, expectStatus = 0, env = process.env }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env,
    timeout: 600_000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== expectStatus) {
    throw new Error(
      `${[file, ...args].join(" ")} exited with ${result.status ?? result.signal}, expected ${expectStatus}\n${String(result.stderr).split("\n").slice(0, 5).join("\n")}`,
    );
  }
  return ms;
}

/**
 * Runs each named command `rounds` times, interleaved (a, b, a, b, ...) so drift in machine load
 * hits all of them alike; returns the best (minimum) milliseconds of each.
 */
export function bestOfInterleaved({ rounds, commands, warmup = 1 }) {
  const best = Object.fromEntries(Object.keys(commands).map((name) => [name, Infinity]));
  for (let round = -warmup; round < rounds; round++) {
    for (const [name, command] of Object.entries(commands)) {
      const ms = timeCommand(command);
      if (round >= 0) best[name] = Math.min(best[name], ms);
    }
  }
  return best;
}

/** Milliseconds with one decimal. */
export function ms(value) {
  return `${value.toFixed(1)} ms`;
}
