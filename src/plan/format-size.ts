// IEC byte formatting for plan messages (kept here until src/units/size.ts provides formatBytes).

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** Bytes as an IEC string with at most one decimal: "20 GiB", "1.5 GiB", "512 MiB", "100 B". */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return `${bytes < 0 ? "-" : ""}${text} ${UNITS[unit] ?? "B"}`;
}

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
