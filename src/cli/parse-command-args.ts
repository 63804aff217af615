// Parses a command's arguments from its option table (node:util parseArgs, strict), with one
// wording for every usage error and a "did you mean" for a mistyped option.
import { parseArgs } from "node:util";
import type { CommandSpec, OptionSpec, OptionTable } from "./command.js";
import { UsageError } from "./command.js";
import { GLOBAL_OPTIONS } from "./global-args.js";
import { unknownOptionMessage } from "./suggest-option.js";

// The option named in a parseArgs message: "Option '--manifest <value>' argument missing".
function quotedOption(message: string): string {
  const quoted = /'(-[^' ]+)/.exec(message)?.[1];
  return quoted ?? "";
}

function placeholder(spec: OptionSpec | undefined): string {
  return spec?.value ?? "VALUE";
}

// parseArgs errors, reworded: lower case, the option as typed, what it expects.
function usageMessage(error: unknown, spec: CommandSpec): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const option = quotedOption(message);
  const name = option.replace(/^-+/, "");
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return unknownOptionMessage(option, spec.options, GLOBAL_OPTIONS);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return spec.options[name]?.type === "boolean"
        ? `option '${option}' takes no value`
        : `option '${option}' needs a value: ${option} ${placeholder(spec.options[name])}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const argument = /'([^']*)'/.exec(message)?.[1] ?? "";
      return `unexpected argument '${argument}': ${spec.name} takes no ${spec.positionals === null ? "arguments" : "more arguments"}`;
    }
    default:
      return message.split(/\.\s/)[0]?.replace(/\.$/, "") ?? message;
  }
}

// An option given to a subcommand it does not belong to (`artifact path --verify`).
function checkSubcommand(spec: CommandSpec, values: Record<string, unknown>, sub: string): void {
  for (const [name, option] of Object.entries(spec.options)) {
    if (values[name] === undefined || option.with === undefined || option.with.includes(sub))
      continue;
    const owners = option.with.map((w) => `${spec.name} ${w}`).join(" or ");
    throw new UsageError(`option '--${name}' goes with ${owners} only`, spec.name);
  }
}

/** Parses `args` against the command's table; every mistake becomes a UsageError naming the command. */
export function parseCommandArgs<O extends OptionTable>(
  spec: CommandSpec<O>,
  args: readonly string[],
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: spec.options,
      allowPositionals: spec.positionals !== null,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error, spec), spec.name);
  }
  const { positionals } = parsed;
  const range = spec.positionals;
  if (range !== null && spec.subcommands === undefined) {
    if (positionals.length < range.min || (range.max !== null && positionals.length > range.max))
      throw new UsageError(
        `${spec.name} takes ${range.what}, got ${positionals.length}`,
        spec.name,
      );
  }
  if (spec.subcommands !== undefined && positionals[0] !== undefined)
    checkSubcommand(spec, parsed.values, positionals[0]);
  return parsed;
}
