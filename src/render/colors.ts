// A tiny ANSI colour helper: every function is the identity when colour is off.

/** Colour functions for the few styles the views use. */
export interface Palette {
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly red: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

function style(open: number, close: number, enabled: boolean): (text: string) => string {
  if (!enabled) return (text) => text;
  return (text) => (text === "" ? text : `\u001b[${open}m${text}\u001b[${close}m`);
}

/** The palette for a view; `enabled` is decided by the CLI (TTY, NO_COLOR, --color). */
export function palette(enabled: boolean): Palette {
  return {
    green: style(32, 39, enabled),
    yellow: style(33, 39, enabled),
    red: style(31, 39, enabled),
    cyan: style(36, 39, enabled),
    dim: style(2, 22, enabled),
    bold: style(1, 22, enabled),
  };
}
