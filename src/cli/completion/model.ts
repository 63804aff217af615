// What the completion scripts complete, drawn from the command table: one shape for every shell.
import type { Command, Completion, OptionTable } from "../command.js";
import { GLOBAL_OPTIONS } from "../global-args.js";

/** One option as the scripts offer it. */
export interface CompletedOption {
  readonly long: string;
  readonly short: string | null;
  /** One short phrase for shells that show descriptions. */
  readonly help: string;
  /** Whether it takes a value, and what completes it. */
  readonly takesValue: boolean;
  readonly value: Completion;
  readonly repeatable: boolean;
  /** The subcommands it goes with (artifact fetch --verify); null: all of them. */
  readonly with: readonly string[] | null;
}

/** One command as the scripts offer it. */
export interface CompletedCommand {
  readonly name: string;
  readonly help: string;
  readonly options: readonly CompletedOption[];
  /** What completes the words that are not options (after the subcommand, when there are any). */
  readonly positional: Completion;
  readonly positionalName: string;
  readonly subcommands: readonly { readonly name: string; readonly help: string }[];
}

/** The first phrase of a help text: up to the first "(", ";" or ":", without a final period. */
function shortHelp(text: string): string {
  const head = text.split(/ \(|; |: /)[0] ?? text;
  return head.replace(/\.$/, "").trim();
}

function optionsOf(table: OptionTable): CompletedOption[] {
  return Object.entries(table).map(([long, option]) => ({
    long,
    short: option.short ?? null,
    help: shortHelp(option.help),
    takesValue: option.type === "string",
    value: option.complete ?? null,
    repeatable: option.multiple === true,
    with: option.with ?? null,
  }));
}

/** The global options (--color, --help, --version). */
export function globalOptions(): CompletedOption[] {
  return optionsOf(GLOBAL_OPTIONS);
}

/** The global options a command takes after its name: --version only comes before one. */
export function afterCommand(option: CompletedOption): boolean {
  return option.long !== "version";
}

/** Every command with its options; `help` completes command names. */
export function completedCommands(commands: readonly Command[]): CompletedCommand[] {
  const names = commands.map((c) => c.name);
  return commands.map((command) => ({
    name: command.name,
    help: shortHelp(command.summary),
    options: optionsOf(command.options),
    positional: command.name === "help" ? names : (command.positionals?.complete ?? null),
    positionalName: command.positionals?.name ?? "",
    subcommands: (command.subcommands ?? []).map((s) => ({
      name: s.name,
      help: shortHelp(s.summary),
    })),
  }));
}
