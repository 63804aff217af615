// Values in the manifest edits volplan suggests (`set format.label = "…"`), as Nix string literals.
// Pure: the planner builds fix text with it.

/**
 * `value` as a double-quoted Nix string that evaluates to exactly `value`: backslashes, quotes
 * and "${" are escaped, so a label read from a guest's filesystem cannot turn a suggested edit
 * into an interpolation. Control characters other than \n, \r and \t have no Nix escape; the
 * views show them escaped.
 */
export function nixString(value: string): string {
  const body = value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replaceAll("${", "\\${")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `"${body}"`;
}
