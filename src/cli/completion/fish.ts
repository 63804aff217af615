// The fish completion script (`volplan completion fish`).
import type { Completion } from "../command.js";
import { afterCommand, type CompletedCommand, type CompletedOption } from "./model.js";

// A fish single-quoted string: only \ and ' are special inside it.
function quoted(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function valueFlags(option: CompletedOption): string {
  if (!option.takesValue) return "";
  const value: Completion = option.value;
  if (value === "file") return " -r -F";
  if (value === "directory") return " -x -a '(__fish_complete_directories)'";
  if (value === null) return " -x";
  return ` -x -a ${quoted(value.join(" "))}`;
}

function optionLine(option: CompletedOption, condition: string | null): string {
  const when = condition === null ? "" : ` -n ${quoted(condition)}`;
  const short = option.short === null ? "" : ` -s ${option.short}`;
  return `complete -c volplan${when}${short} -l ${option.long}${valueFlags(option)} -d ${quoted(option.help)}`;
}

function positionalLines(command: CompletedCommand, seen: string): string[] {
  if (command.subcommands.length > 0) {
    const subs = command.subcommands.map((s) => s.name).join(" ");
    const first = `${seen}; and not __fish_seen_subcommand_from ${subs}`;
    return command.subcommands.map(
      (s) => `complete -c volplan -n ${quoted(first)} -a ${s.name} -d ${quoted(s.help)}`,
    );
  }
  const value = command.positional;
  if (value === null) return [];
  if (value === "file") return [`complete -c volplan -n ${quoted(seen)} -F`];
  if (value === "directory")
    return [`complete -c volplan -n ${quoted(seen)} -a '(__fish_complete_directories)'`];
  return [`complete -c volplan -n ${quoted(seen)} -a ${quoted(value.join(" "))}`];
}

/** The script: one `complete` line per command, option and value. */
export function fishScript(
  commands: readonly CompletedCommand[],
  globals: readonly CompletedOption[],
): string {
  const lines = [
    "# fish completion for volplan (volplan completion fish). Do not edit.",
    "",
    "# No file names unless a command or option asks for them.",
    "complete -c volplan -f",
    // --color and --help anywhere; --version only before a command.
    ...globals.map((o) => optionLine(o, afterCommand(o) ? null : "__fish_use_subcommand")),
    ...commands.map(
      (c) => `complete -c volplan -n __fish_use_subcommand -a ${c.name} -d ${quoted(c.help)}`,
    ),
    ...commands.flatMap((command) => {
      const seen = `__fish_seen_subcommand_from ${command.name}`;
      return [
        "",
        ...command.options.map((o) =>
          optionLine(
            o,
            o.with === null ? seen : `${seen}; and __fish_seen_subcommand_from ${o.with.join(" ")}`,
          ),
        ),
        ...positionalLines(command, seen),
      ];
    }),
    "",
  ];
  return lines.join("\n");
}
