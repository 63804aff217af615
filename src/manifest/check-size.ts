// Sizes the schema lets through but volplan cannot use: too large, zero, fractional, not whole sectors.
import { formatBytes, readSize, type SizeProblem } from "../units/size.js";
import { error, type Issue } from "./issue.js";

const EXAMPLE =
  'Write whole bytes (21474836480) or a size with a unit such as "20GiB" or "512MiB".';

const PROBLEMS: Readonly<Record<SizeProblem, string>> = {
  syntax: "is not a size",
  fractional: "is not a whole number of bytes",
  zero: "is not positive",
  "too-large": `is larger than the largest size volplan handles (2^53-1 bytes, about ${formatBytes(Number.MAX_SAFE_INTEGER)})`,
};

/** Issues for one declared size: unusable, and (for volumes) not a multiple of 512 bytes. */
export function checkSize(input: {
  value: unknown;
  pointer: string;
  what: string;
  sectors: boolean;
}): Issue[] {
  const { value, pointer, what } = input;
  if (typeof value !== "number" && typeof value !== "string") return [];
  const result = readSize(value);
  if ("problem" in result) {
    return [
      error(pointer, `${what} ${JSON.stringify(value)} ${PROBLEMS[result.problem]}.`, EXAMPLE),
    ];
  }
  const { bytes } = result;
  if (!input.sectors || bytes % 512 === 0) return [];
  const next = Math.ceil(bytes / 512) * 512;
  return [
    error(
      pointer,
      `${what} ${JSON.stringify(value)} is ${bytes} bytes, which is not a whole number of 512-byte sectors.`,
      `Set it to ${next} (${formatBytes(next)}), the next multiple of 512 bytes.`,
    ),
  ];
}
