// Whether progress on stderr may be redrawn in place: a terminal that understands the erase-line sequence.
import { isatty } from "node:tty";

/** True when descriptor 2 is a terminal and TERM is not "dumb". */
export function stderrIsTerminal(env: Readonly<Record<string, string | undefined>>): boolean {
  return isatty(2) && env["TERM"] !== "dumb";
}
