import { describe, expect, it } from "vitest";
import { formatBytes, parseSize } from "../../src/units/size.js";

describe("parseSize", () => {
  it.each([
    [1, 1],
    [4096, 4096],
    ["4096", 4096],
    ["100B", 100],
    ["20GiB", 20 * 1024 ** 3],
    ["20Gi", 20 * 1024 ** 3],
    ["1.5 GiB", 1.5 * 1024 ** 3],
    ["512M", 512_000_000],
    ["512MB", 512_000_000],
    ["512MiB", 512 * 1024 ** 2],
    ["100KB", 100_000],
    ["4k", 4000],
    ["4kB", 4000],
    ["4KiB", 4096],
    ["1.1GB", 1_100_000_000],
    ["2TB", 2e12],
    ["1TiB", 1024 ** 4],
    ["1PiB", 1024 ** 5],
    ["3PB", 3e15],
    ["0.5KiB", 512],
  ] as const)("%j is %d bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each([
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 1,
    1e300,
    Number.NaN,
    Infinity,
    "0",
    "0GiB",
    "1.3B",
    "0.1KiB",
    "12 parsecs",
    "",
    "-5GiB",
    "1e9",
    " 5GiB",
    "5  GiB",
    "5GiBs",
    "16PiB",
    "99999999999999999999",
    "5kiB",
  ])("%j is not a size", (input) => {
    expect(parseSize(input)).toBeNull();
  });

  it("accepts the largest safe integer and refuses one more", () => {
    expect(parseSize(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseSize("9007199254740992")).toBeNull();
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [100, "100 B"],
    [1023, "1023 B"],
    [1024, "1 KiB"],
    [4096, "4 KiB"],
    [512 * 1024 ** 2, "512 MiB"],
    [1.5 * 1024 ** 3, "1.5 GiB"],
    [20 * 1024 ** 3, "20 GiB"],
    [1_100_000_000, "1.02 GiB"],
    [1023.9 * 1024, "1020 KiB"],
    [1024 ** 4 * 3, "3 TiB"],
    [Number.MAX_SAFE_INTEGER, "8 PiB"],
  ])("%d is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("round-trips through parseSize within three significant digits", () => {
    for (const bytes of [1536, 5 * 1024 ** 3, 123 * 1024 ** 2]) {
      const parsed = parseSize(formatBytes(bytes).replace(" ", ""));
      expect(parsed).toBe(bytes);
    }
  });
});
