// Separates global options (--help, --version, --color) from the command and its arguments.
import { UsageError } from "./command.js";

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
    else if (arg === "--version" && command === null) version = true;
    else if (command === null && arg.startsWith("-")) {
      throw new UsageError(`unknown option '${arg}'`, null);
    } else if (command === null) command = arg;
    else args.push(arg);
  }
  return { command, args, help, version, color };
}
