// The bash completion script (`volplan completion bash`).
import type { Completion } from "../command.js";
import { afterCommand, type CompletedCommand, type CompletedOption } from "./model.js";

// Words of the table are plain (letters, digits, dashes): safe inside double quotes as they are.
function words(list: readonly string[]): string {
  return list.join(" ");
}

// Sets COMPREPLY for a value of the given kind, then returns from _volplan.
function reply(completion: Completion): string {
  if (completion === "file") return `_volplan_reply -f; return`;
  if (completion === "directory") return `_volplan_reply -d; return`;
  if (completion === null) return "return";
  return `_volplan_reply -W "${words(completion)}"; return`;
}

function optionWords(options: readonly CompletedOption[]): string[] {
  return options.flatMap((o) => [`--${o.long}`, ...(o.short === null ? [] : [`-${o.short}`])]);
}

// The values of the previous word, when it is an option that takes one.
function valueArms(options: readonly CompletedOption[]): string[] {
  return options
    .filter((o) => o.takesValue)
    .map((o) => `        --${o.long}) ${reply(o.value)} ;;`);
}

// The options offered after `volplan COMMAND [SUB]`: those of every subcommand, then per $sub.
function optionReply(command: CompletedCommand, all: readonly CompletedOption[]): string[] {
  const common = all.filter((o) => o.with === null);
  const perSub = command.subcommands
    .map((s) => ({ name: s.name, options: all.filter((o) => o.with?.includes(s.name) === true) }))
    .filter((s) => s.options.length > 0);
  if (perSub.length === 0)
    return [
      `      if [[ $cur == -* ]]; then _volplan_reply -W "${words(optionWords(all))}"; return; fi`,
    ];
  return [
    `      if [[ $cur == -* ]]; then`,
    `        local options="${words(optionWords(common))}"`,
    `        case $sub in`,
    ...perSub.map((s) => `          ${s.name}) options+=" ${words(optionWords(s.options))}" ;;`),
    `        esac`,
    `        _volplan_reply -W "$options"; return`,
    `      fi`,
  ];
}

function commandArm(command: CompletedCommand, globals: readonly CompletedOption[]): string[] {
  const all = [...command.options, ...globals.filter(afterCommand)];
  const positional =
    command.subcommands.length > 0
      ? [
          `      if [[ -z $sub ]]; then _volplan_reply -W "${words(command.subcommands.map((s) => s.name))}"; fi`,
        ]
      : [`      ${reply(command.positional).replace(/; return$/, "")}`];
  return [
    `    ${command.name})`,
    `      case $prev in`,
    ...valueArms(all),
    `      esac`,
    ...optionReply(command, all),
    ...positional,
    `      ;;`,
  ];
}

/** The script: a function _volplan registered with `complete -F`. */
export function bashScript(
  commands: readonly CompletedCommand[],
  globals: readonly CompletedOption[],
): string {
  const valued = globals.filter((o) => o.takesValue).map((o) => `--${o.long}`);
  const lines = [
    "# bash completion for volplan (volplan completion bash). Do not edit.",
    "",
    "# Fills COMPREPLY from compgen's arguments, one candidate a line (names may hold spaces).",
    "_volplan_reply() {",
    '  mapfile -t COMPREPLY < <(compgen "$@" -- "$cur")',
    "  if [[ $1 == -f || $1 == -d ]]; then compopt -o filenames 2>/dev/null; fi",
    "}",
    "",
    "_volplan() {",
    "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
    '  local command="" sub="" word i',
    "  # The command is the first word that is neither an option nor the value of one; the",
    "  # subcommand (artifact path|fetch|extract) the next such word.",
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    "    word=${COMP_WORDS[i]}",
    "    case $word in",
    `      ${valued.join("|")}) ((i++)) ;;`,
    "      -*) ;;",
    "      *) if [[ -z $command ]]; then command=$word; elif [[ -z $sub ]]; then sub=$word; fi ;;",
    "    esac",
    "  done",
    "  case $command in",
    '    "")',
    "      case $prev in",
    ...valueArms(globals),
    "      esac",
    `      if [[ $cur == -* ]]; then _volplan_reply -W "${words(optionWords(globals))}"; return; fi`,
    `      _volplan_reply -W "${words(commands.map((c) => c.name))}"`,
    "      ;;",
    ...commands.flatMap((c) => commandArm(c, globals)),
    "  esac",
    "}",
    "",
    "complete -F _volplan volplan",
    "",
  ];
  return lines.join("\n");
}
