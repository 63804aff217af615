// The zsh completion script (`volplan completion zsh`): a #compdef function for $fpath, or sourced.
import type { Completion } from "../command.js";
import { afterCommand, type CompletedCommand, type CompletedOption } from "./model.js";

// Inside '…' (a zsh single-quoted word): ' closes it, so it is written '\''.
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

// Text inside [...] or after ':' of an _arguments spec: brackets, colons and backslashes escaped.
function specText(text: string): string {
  return text.replace(/[\\[\]:]/g, (c) => `\\${c}`);
}

function action(completion: Completion): string {
  if (completion === "file") return "_files";
  if (completion === "directory") return "_files -/";
  if (completion === null) return " ";
  return `(${completion.join(" ")})`;
}

function optionSpecs(option: CompletedOption): string[] {
  const repeat = option.repeatable ? "*" : "";
  const help = `[${specText(option.help)}]`;
  const value = option.takesValue ? `:${option.long}:${action(option.value)}` : "";
  const long = `${repeat}--${option.long}${option.takesValue ? "=" : ""}${help}${value}`;
  if (option.short === null) return [quoted(long)];
  const exclusive = `(-${option.short} --${option.long})`;
  return [
    quoted(`${exclusive}${repeat}-${option.short}${help}${value}`),
    quoted(`${exclusive}${long}`),
  ];
}

// Inside "…", which _arguments evaluates for a ((word\:description …)) action.
function doubleQuoted(text: string): string {
  return `"${text.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}

function argumentSpecs(command: CompletedCommand): string[] {
  if (command.subcommands.length > 0) {
    const subs = command.subcommands.map((s) => `${s.name}\\:${doubleQuoted(specText(s.help))}`);
    return [quoted(`1:subcommand:((${subs.join(" ")}))`), quoted("*:name: ")];
  }
  const name = command.positionalName === "" ? "argument" : command.positionalName.toLowerCase();
  return [quoted(`*:${name}:${action(command.positional)}`)];
}

// A command with subcommands: the options of every subcommand, plus those of the one typed
// ($words[2]: _arguments' '*::' made the command $words[1]).
function subcommandArm(command: CompletedCommand, globals: readonly CompletedOption[]): string[] {
  const common = [...command.options, ...globals.filter(afterCommand)].filter(
    (o) => o.with === null,
  );
  const perSub = command.subcommands
    .map((s) => ({
      name: s.name,
      options: command.options.filter((o) => o.with?.includes(s.name) === true),
    }))
    .filter((s) => s.options.length > 0);
  return [
    `        ${command.name})`,
    `          local -a specs`,
    `          specs=(`,
    ...common.flatMap(optionSpecs).map((s) => `            ${s}`),
    `          )`,
    `          case $words[2] in`,
    ...perSub.map(
      (s) => `            ${s.name}) specs+=(${s.options.flatMap(optionSpecs).join(" ")}) ;;`,
    ),
    `          esac`,
    `          _arguments -s $specs \\`,
    ...argumentSpecs(command).map((s) => `            ${s} \\`),
    `            && ret=0`,
    `          ;;`,
  ];
}

function commandArm(command: CompletedCommand, globals: readonly CompletedOption[]): string[] {
  if (command.subcommands.length > 0) return subcommandArm(command, globals);
  const specs = [...command.options, ...globals.filter(afterCommand)].flatMap(optionSpecs);
  return [
    `        ${command.name})`,
    `          _arguments -s \\`,
    ...[...specs, ...argumentSpecs(command)].map((s) => `            ${s} \\`),
    `            && ret=0`,
    `          ;;`,
  ];
}

/** The script: _volplan, registered with compdef when sourced, run when autoloaded from $fpath. */
export function zshScript(
  commands: readonly CompletedCommand[],
  globals: readonly CompletedOption[],
): string {
  const described = commands.map((c) => `    ${quoted(`${c.name}:${c.help}`)}`);
  const lines = [
    "#compdef volplan",
    "# zsh completion for volplan (volplan completion zsh). Do not edit.",
    "",
    "_volplan() {",
    "  local curcontext=$curcontext state line ret=1",
    "  typeset -A opt_args",
    "  _arguments -C \\",
    ...globals.flatMap(optionSpecs).map((s) => `    ${s} \\`),
    "    '1:command:->command' \\",
    "    '*::argument:->argument' \\",
    "    && ret=0",
    "  case $state in",
    "    command)",
    "      local -a commands",
    "      commands=(",
    ...described,
    "      )",
    "      _describe -t commands 'volplan command' commands && ret=0",
    "      ;;",
    "    argument)",
    "      curcontext=${curcontext%:*:*}:volplan-$line[1]:",
    "      case $line[1] in",
    ...commands.flatMap((c) => commandArm(c, globals)),
    "      esac",
    "      ;;",
    "  esac",
    "  return ret",
    "}",
    "",
    "if [[ $funcstack[1] == _volplan ]]; then",
    '  _volplan "$@"',
    "else",
    "  compdef _volplan volplan",
    "fi",
    "",
  ];
  return lines.join("\n");
}
