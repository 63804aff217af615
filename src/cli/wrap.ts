// Word wrapping for help texts.

/** `text` wrapped to lines of at most `width` characters (longer words stay whole). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** Two columns: each term padded to the widest, its text wrapped beside it and indented below. */
export function twoColumns(rows: readonly (readonly [string, string])[], width: number): string[] {
  const left = Math.max(0, ...rows.map(([term]) => term.length));
  return rows.flatMap(([term, text]) => {
    const [first = "", ...rest] = wrapText(text, Math.max(20, width - left - 4));
    return [
      `  ${term.padEnd(left)}  ${first}`.trimEnd(),
      ...rest.map((l) => `${" ".repeat(left + 4)}${l}`),
    ];
  });
}
