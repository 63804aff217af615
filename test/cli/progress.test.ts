import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/apply/context.js";
import { progressSink } from "../../src/cli/progress.js";
import { duration, progressText } from "../../src/cli/progress-text.js";

const MiB = 1024 * 1024;

// A sink on a fake clock, collecting what it writes.
function harness(terminal: boolean) {
  let clock = 0;
  let out = "";
  const sink = progressSink({
    stream: { write: (text) => void (out += text) },
    terminal,
    now: () => clock,
  });
  return {
    sink,
    tick: (ms: number) => void (clock += ms),
    output: () => out,
  };
}

const event = (done: number, total: number | null): ProgressEvent => ({
  subject: "artifact kexec",
  step: "download",
  done,
  total,
});

describe("progress without a terminal", () => {
  it("writes a plain line at the start and at each tenth, with bytes, rate and time left", () => {
    const h = harness(false);
    for (let percent = 0; percent <= 100; percent++) {
      h.sink.report(event(percent * MiB, 100 * MiB));
      h.tick(10);
    }
    const lines = h.output().trimEnd().split("\n");
    expect(lines).toHaveLength(11);
    expect(h.output()).not.toContain("\r");
    expect(lines[0]).toBe("artifact kexec download   0% 0 B / 100 MiB");
    expect(lines[5]).toBe("artifact kexec download  50% 50 MiB / 100 MiB, 100 MiB/s, 1 s left");
    expect(lines[10]).toMatch(/^artifact kexec download 100% 100 MiB \/ 100 MiB, 100 MiB\/s$/);
  });

  it("writes a line every 30 s when the total is unknown or the work is slow", () => {
    const h = harness(false);
    for (let second = 0; second <= 95; second++) {
      h.sink.report(event(second * 1024, second < 50 ? null : 1000 * MiB));
      h.tick(1000);
    }
    const lines = h.output().trimEnd().split("\n");
    expect(lines.map((l) => l.replace(/, .*$/, ""))).toEqual([
      "artifact kexec download 0 B",
      "artifact kexec download 30 KiB",
      "artifact kexec download   0% 50 KiB / 1000 MiB",
      "artifact kexec download   0% 80 KiB / 1000 MiB",
    ]);
    expect(lines[1]).toBe("artifact kexec download 30 KiB, 1 KiB/s");
  });
});

describe("progress on a terminal", () => {
  it("redraws one line in place at most every 100 ms, with a bar, rate and time left, and clears it", () => {
    const h = harness(true);
    for (let i = 0; i <= 1000; i++) {
      h.sink.report(event(i * 100 * 1024, 1000 * 100 * 1024));
      h.tick(2);
    }
    const draws = h
      .output()
      .split("\r\x1b[K")
      .filter((d) => d !== "");
    expect(draws.length).toBeGreaterThanOrEqual(20);
    expect(draws.length).toBeLessThanOrEqual(22);
    expect(h.output()).not.toContain("\n");
    expect(draws[10]).toMatch(
      /^artifact kexec download \[#+\.+\] {2}\d\d% [\d.]+ MiB \/ 97.7 MiB, 48.8 MiB\/s, 1 s left$/,
    );
    expect(h.sink.running()).toEqual([]);
    h.sink.clear();
    expect(h.output().endsWith("\r\x1b[K")).toBe(true);
  });

  it("names how many other subjects are running, and lists them for an interrupt note", () => {
    const h = harness(true);
    h.sink.report({ subject: "web/root", step: "copy", done: 0, total: 10 * MiB });
    h.tick(200);
    h.sink.report(event(MiB, null));
    expect(h.output()).toContain("artifact kexec download 1 MiB (+1 more)");
    expect(h.sink.running().map((e) => e.subject)).toEqual(["web/root", "artifact kexec"]);
  });
});

describe("progress text", () => {
  it("formats durations and leaves out what is not known", () => {
    expect(duration(0.2)).toBe("1 s");
    expect(duration(125)).toBe("2 min 05 s");
    expect(duration(3725)).toBe("1 h 02 min");
    expect(progressText(event(MiB, null), null)).toBe("artifact kexec download 1 MiB");
    expect(progressText(event(MiB, 4 * MiB), 2 * MiB, false)).toBe(
      "artifact kexec download  25% 1 MiB / 4 MiB, 2 MiB/s, 2 s left",
    );
  });
});
