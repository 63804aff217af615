// Sizes: parsing manifest sizes into bytes and printing bytes for people. Pure; no Node imports.
//
// Units follow the manifest schema: IEC units (Ki, KiB, Mi, MiB, ...) are powers of 1024; SI
// units (k, K, KB, kB, M, MB, G, GB, T, TB, P, PB) are powers of 1000, so "512M" is
// 512,000,000 bytes, not 512 MiB. "B" or no unit means bytes.

const SIZE_PATTERN = /^([0-9]+)(?:\.([0-9]+))?[ ]?([KMGTP]i?B?|[kK]B?|B)?$/;

const EXPONENT: Readonly<Record<string, number>> = { K: 1, M: 2, G: 3, T: 4, P: 5 };

const IEC_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

// Bytes in each unit spelling the pattern allows, computed once.
const UNIT_BYTES: ReadonlyMap<string, bigint> = new Map([
  ["", 1n],
  ["B", 1n],
  ...Object.entries(EXPONENT).flatMap(([letter, exponent]) => {
    const si = 1000n ** BigInt(exponent);
    const iec = 1024n ** BigInt(exponent);
    const lower = letter === "K" ? [["k", si] as const, ["kB", si] as const] : [];
    return [
      [letter, si],
      [`${letter}B`, si],
      [`${letter}i`, iec],
      [`${letter}iB`, iec],
      ...lower,
    ] as const;
  }),
]);

/** Why a value is not a usable size, or null when parseSize accepts it. */
export type SizeProblem = "syntax" | "fractional" | "zero" | "too-large";

/** Bytes for a size, or why it is not one. Exact (bigint arithmetic): "1.1GB" is 1,100,000,000. */
export function readSize(value: number | string): { bytes: number } | { problem: SizeProblem } {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return { problem: Number.isNaN(value) ? "syntax" : "fractional" };
    if (value < 1) return { problem: "zero" };
    return Number.isSafeInteger(value) ? { bytes: value } : { problem: "too-large" };
  }
  const match = SIZE_PATTERN.exec(value);
  const multiplier = match === null ? undefined : UNIT_BYTES.get(match[3] ?? "");
  if (match === null || multiplier === undefined) return { problem: "syntax" };
  const [, whole = "", fraction = ""] = match;
  // Fast path without bigints: whole numbers whose product stays below 2^53 are exact as doubles.
  if (fraction === "" && whole.length <= 15) {
    const bytes = Number(whole) * Number(multiplier);
    if (bytes <= Number.MAX_SAFE_INTEGER) return bytes === 0 ? { problem: "zero" } : { bytes };
  }
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * multiplier;
  if (scaled === 0n) return { problem: "zero" };
  if (scaled % scale !== 0n) return { problem: "fractional" };
  const bytes = scaled / scale;
  return bytes > BigInt(Number.MAX_SAFE_INTEGER)
    ? { problem: "too-large" }
    : { bytes: Number(bytes) };
}

/** Bytes for a manifest size (integer bytes or a string such as "20GiB"); null when it is not a whole, positive, safe number of bytes. */
export function parseSize(value: number | string): number | null {
  const result = readSize(value);
  return "bytes" in result ? result.bytes : null;
}

/** A byte count for people in IEC units with at most three significant digits ("20 GiB", "1.5 GiB"); below 1 KiB the exact count ("100 B"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`;
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  let index = 0;
  while (value >= 1024 && index < IEC_UNITS.length - 1) {
    value /= 1024;
    index++;
  }
  const shown = index === 0 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
  return `${sign}${shown} ${IEC_UNITS[index]}`;
}
