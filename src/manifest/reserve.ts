// policy.reserve: a percentage of each host filesystem, or a size in bytes (zero allowed).
import { formatBytes, readSize } from "../units/size.js";
import type { Reserve } from "./desired.js";
import { error, type Issue } from "./issue.js";

/** The reserve a value declares, or a problem in words. */
export function readReserve(value: number | string): Reserve | { problem: string } {
  if (typeof value === "string" && value.endsWith("%")) {
    const percent = Number(value.slice(0, -1));
    if (!Number.isFinite(percent) || percent >= 100)
      return { problem: "is not a percentage below 100" };
    return { kind: "percent", percent };
  }
  if (value === 0 || (typeof value === "string" && /^0+(\.0+)? ?[A-Za-z]*$/.test(value)))
    return { kind: "bytes", bytes: 0 };
  const size = readSize(value);
  if ("bytes" in size) return { kind: "bytes", bytes: size.bytes };
  if (size.problem === "too-large")
    return {
      problem: `is larger than 2^53-1 bytes (about ${formatBytes(Number.MAX_SAFE_INTEGER)})`,
    };
  return {
    problem: size.problem === "fractional" ? "is not a whole number of bytes" : "is not a size",
  };
}

/** An issue when policy.reserve is declared but unusable. */
export function checkReserve(value: unknown): Issue | null {
  if (typeof value !== "number" && typeof value !== "string") return null;
  const reserve = readReserve(value);
  if (!("problem" in reserve)) return null;
  return error(
    "/policy/reserve",
    `policy.reserve ${JSON.stringify(value)} ${reserve.problem}.`,
    'Write a percentage of the filesystem such as "5%", or a size such as "2GiB".',
  );
}
