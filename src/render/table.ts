// Aligns plain-text table cells into columns before any colour is applied.

/** Column alignment: "l" pads on the right, "r" on the left. */
export type Align = "l" | "r";

/** Pads every row's cells to the widest cell of its column; returns one string per row. */
export function alignColumns(
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        const last = index === row.length - 1;
        if (align[index] === "r") return cell.padStart(width);
        return last ? cell : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd(),
  );
}
