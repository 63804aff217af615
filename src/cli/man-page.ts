// The man page volplan(1), in roff (man macros), drawn from the command table like --help.
// scripts/man.mjs writes it to man/volplan.1; a test fails when that file is stale.
import type { CommandSpec, OptionSpec, OptionTable } from "./command.js";
import { ENVIRONMENT, EXIT_STATUS, PROGRAM } from "./command-table-text.js";
import { GLOBAL_OPTIONS } from "./global-args.js";
import { optionTerm } from "./help-text.js";

// Plain text for roff: backslashes escaped, `code` in bold, hyphens of options as \-, and a
// line that would start with a control character (. or ') protected.
function roff(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\e")
    .replace(/`([^`]+)`/g, (_m, code: string) => `\\fB${code}\\fR`)
    .replace(/(^|[\s(["=])-(-?)(?=[A-Za-z])/g, (_m, before: string, dash: string) =>
      dash === "" ? `${before}\\-` : `${before}\\-\\-`,
    );
  return escaped.replace(/^([.'])/gm, "\\&$1");
}

// "--manifest FILE" as a .TP term: the option in bold, its value in italics.
function optionTermRoff(name: string, option: OptionSpec): string {
  const term = optionTerm(name, option);
  const value = option.type === "string" ? (option.value ?? "VALUE") : null;
  const flags = value === null ? term : term.slice(0, -value.length - 1);
  const bold = flags.replaceAll("-", "\\-");
  return value === null ? `\\fB${bold}\\fR` : `\\fB${bold}\\fR \\fI${value}\\fR`;
}

function optionItems(options: OptionTable): string[] {
  return Object.entries(options).flatMap(([name, option]) => {
    const only = option.with === undefined ? "" : `(${option.with.join(", ")}) `;
    const repeat = option.multiple === true ? " (repeatable)" : "";
    return [".TP", optionTermRoff(name, option), roff(`${only}${option.help}${repeat}`)];
  });
}

function commandSection(spec: CommandSpec): string[] {
  const subcommands = (spec.subcommands ?? []).flatMap((s) => [
    ".TP",
    `\\fB${s.name}\\fR`,
    roff(s.summary),
  ]);
  const options = optionItems(spec.options);
  return [
    `.SS ${spec.name}`,
    roff(`${spec.summary[0]?.toUpperCase() ?? ""}${spec.summary.slice(1)}.`),
    ".PP",
    ".nf",
    ...spec.synopsis.map((line) => roff(`volplan ${line}`)),
    ".fi",
    ...spec.description.flatMap((paragraph) => [".PP", roff(paragraph)]),
    ...subcommands,
    ...(options.length === 0 ? [] : [".PP", "Options:", ".RS", ...options, ".RE"]),
    ".PP",
    roff(`Exit status: ${spec.exitStatus}`),
  ];
}

/** The whole page. */
export function manPage(commands: readonly CommandSpec[]): string {
  const lines = [
    '.\\" Generated from the command table (src/cli/command-table.ts) by scripts/man.mjs. Do not edit.',
    '.TH VOLPLAN 1 "" "volplan" "User Commands"',
    ".SH NAME",
    "volplan \\- reconcile VM disk-image volumes and boot artifacts with a JSON manifest",
    ".SH SYNOPSIS",
    ".nf",
    "\\fBvolplan\\fR [\\fB\\-\\-color\\fR=\\fIWHEN\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]",
    ...commands.flatMap((c) => c.synopsis.map((line) => roff(`volplan ${line}`))),
    "\\fBvolplan \\-\\-help\\fR | \\fB\\-V\\fR",
    ".fi",
    ".SH DESCRIPTION",
    roff(PROGRAM),
    ".PP",
    roff(
      "`volplan COMMAND --help` and `volplan help COMMAND` print the part of this page about COMMAND.",
    ),
    ".SH COMMANDS",
    ...commands.flatMap(commandSection),
    ".SH GLOBAL OPTIONS",
    ...optionItems(GLOBAL_OPTIONS),
    ".SH ENVIRONMENT",
    ...ENVIRONMENT.flatMap((e) => [".TP", `\\fB${e.name}\\fR`, roff(e.help)]),
    ".SH EXIT STATUS",
    ...EXIT_STATUS.flatMap((e) => [".TP", String(e.code), roff(e.meaning)]),
    ".SH FILES",
    ".TP",
    "\\fI/etc/volplan/manifest.json\\fR",
    roff("the manifest when neither FILE, --manifest nor VOLPLAN_MANIFEST names one"),
    ".TP",
    "\\fI/var/lib/volplan\\fR",
    roff("the default state directory (stateDir): the host lock, managed.json, the artifact cache"),
    ".SH SEE ALSO",
    roff(
      "docs/manifest-reference.md (every manifest key) and docs/architecture.md in volplan's source; the JSON schemas of the manifest and of the --json outputs in its schema/ directory.",
    ),
  ];
  return `${lines.join("\n")}\n`;
}
