// The text of `volplan --help` and `volplan COMMAND --help`, drawn from the command table.
import type { CommandSpec, OptionSpec, OptionTable } from "./command.js";
import { ENVIRONMENT, EXIT_STATUS, PROGRAM } from "./command-table-text.js";
import { GLOBAL_OPTIONS } from "./global-args.js";
import { twoColumns, wrapText } from "./wrap.js";

const WIDTH = 100;

/** "--manifest FILE", "-h, --help", "--only SELECTOR" as a help text's left column shows it. */
export function optionTerm(name: string, option: OptionSpec): string {
  const short = option.short === undefined ? "" : `-${option.short}, `;
  const value = option.type === "string" ? ` ${option.value ?? "VALUE"}` : "";
  return `${short}--${name}${value}`;
}

function optionRows(options: OptionTable): [string, string][] {
  return Object.entries(options).map(([name, option]) => {
    const only = option.with === undefined ? "" : `(${option.with.join(", ")}) `;
    const repeat = option.multiple === true ? " (repeatable)" : "";
    return [optionTerm(name, option), `${only}${option.help}${repeat}`];
  });
}

function paragraphs(texts: readonly string[]): string[] {
  return texts.flatMap((text) => [...wrapText(text, WIDTH), ""]);
}

/** The full help of one command. */
export function commandUsage(spec: CommandSpec): string {
  const [first = spec.name, ...more] = spec.synopsis;
  const subcommands =
    spec.subcommands === undefined
      ? []
      : [
          "Subcommands:",
          ...twoColumns(
            spec.subcommands.map((s) => [s.name, s.summary]),
            WIDTH,
          ),
          "",
        ];
  const help: OptionTable = {
    help: { type: "boolean", short: "h", help: "show this help" },
  };
  const lines = [
    `Usage: volplan ${first}`,
    ...more.map((line) => `       volplan ${line}`),
    "",
    ...paragraphs(spec.description),
    ...subcommands,
    "Options:",
    ...twoColumns(optionRows({ ...spec.options, ...help }), WIDTH),
    "",
    ...wrapText(`Exit status: ${spec.exitStatus}`, WIDTH),
  ];
  return `${lines.join("\n")}\n`;
}

/** The help of the program: its commands, global options and environment. */
export function mainUsage(commands: readonly CommandSpec[]): string {
  const lines = [
    "Usage: volplan [--color=WHEN] COMMAND [options]",
    "",
    ...paragraphs([PROGRAM]),
    "Commands:",
    ...twoColumns(
      commands.map((c) => [c.name, c.summary]),
      WIDTH,
    ),
    "",
    "Global options:",
    ...twoColumns(optionRows(GLOBAL_OPTIONS), WIDTH),
    "",
    "Environment:",
    ...twoColumns(
      ENVIRONMENT.map((e) => [e.name, e.help]),
      WIDTH,
    ),
    "",
    "Exit status:",
    ...twoColumns(
      EXIT_STATUS.map((e) => [String(e.code), e.meaning]),
      WIDTH,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
