// Separates global options (--help, --version, --color) from the command and its arguments.
import type { OptionTable } from "./command.js";
import { UsageError } from "./command.js";
import { unknownOptionMessage } from "./suggest-option.js";

/** The options every command takes, for help texts, the man page and completions. */
export const GLOBAL_OPTIONS = {
  color: {
    type: "string",
    value: "WHEN",
    help: "colour the output: auto (the default: when standard output is a terminal, TERM is not dumb and NO_COLOR is unset or empty), always (also with NO_COLOR set), or never",
    complete: ["auto", "always", "never"],
  },
  help: { type: "boolean", short: "h", help: "show help (volplan COMMAND --help for a command)" },
  version: { type: "boolean", short: "V", help: "print the version" },
} as const satisfies OptionTable;

/** The global options and what is left for the command. */
export interface GlobalArgs {
  readonly command: string | null;
  readonly args: string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly color: "auto" | "always" | "never";
}

function parseColor(value: string | undefined): GlobalArgs["color"] {
  if (value === "auto" || value === "always" || value === "never") return value;
  throw new UsageError(`--color must be auto, always or never, not '${value ?? ""}'`, null);
}

/** Global options may come before or after the command; everything after "--" is left alone. */
export function splitGlobalArgs(argv: readonly string[]): GlobalArgs {
  let command: string | null = null;
  let help = false;
  let version = false;
  let color: GlobalArgs["color"] = "auto";
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      args.push(...argv.slice(i));
      break;
    }
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--color") color = parseColor(argv[++i]);
    else if (arg.startsWith("--color=")) color = parseColor(arg.slice("--color=".length));
    else if ((arg === "--version" || arg === "-V") && command === null) version = true;
    else if (command === null && arg.startsWith("-")) {
      throw new UsageError(unknownOptionMessage(arg, GLOBAL_OPTIONS), null);
    } else if (command === null) command = arg;
    else args.push(arg);
  }
  return { command, args, help, version, color };
}
