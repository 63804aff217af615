// Sizes as a manifest would spell them, for the fixes refusals suggest.

/** Bytes as an exact manifest size string: "8GiB" when exact in some IEC unit, else the byte count. */
export function exactSizeText(bytes: number): string {
  const units = [
    ["TiB", 1024 ** 4],
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const;
  for (const [name, factor] of units) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${name}`;
  }
  return String(bytes);
}
