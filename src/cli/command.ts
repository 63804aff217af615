// The shape of a subcommand and the context the entry point hands it. One table of commands and
// their options (src/cli/command-table.ts) is the source of --help, parsing, the man page and
// the shell completions.

/** Somewhere text goes: stdout or stderr in the real CLI, a buffer in tests. */
export interface Writer {
  write(text: string): void;
}

/** Everything a command may use from the outside world; only src/cli/main.ts builds one. */
export interface CommandContext {
  /** Arguments after the command name. */
  readonly args: readonly string[];
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether to colour output (already resolved from --color, TERM, the TTY and NO_COLOR). */
  readonly color: boolean;
  /** The program's version (package.json). */
  readonly version: string;
  /** Every command of the program (the command table), for help and completion scripts. */
  readonly commands: readonly Command[];
}

/** What a shell completes for a value: a file, a directory, one of some words, or nothing. */
export type Completion = "file" | "directory" | readonly string[] | null;

/** One option of a command: `--name VALUE` (string) or `--name` (boolean). */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in help texts (string options), such as FILE or N. */
  readonly value?: string;
  /** One sentence or two for --help and the man page. */
  readonly help: string;
  /** What a shell completes for the value (string options; default: nothing). */
  readonly complete?: Completion;
  /** The subcommands it belongs to (`artifact fetch --verify`); every one when absent. */
  readonly with?: readonly string[];
}

/** A command's options by long name (without the leading dashes). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The words after the command that are not options. */
export interface PositionalSpec {
  /** As the synopsis shows it, such as FILE or NAME. */
  readonly name: string;
  readonly min: number;
  /** null: any number. */
  readonly max: number | null;
  /** How many it takes, for messages: "at most one PLAN_FILE". */
  readonly what: string;
  readonly complete: Completion;
}

/** A subcommand of a command (`volplan artifact fetch`). */
export interface SubcommandSpec {
  readonly name: string;
  readonly summary: string;
}

/** Everything about a command but how it runs: the source of its help, man page section and completions. */
export interface CommandSpec<O extends OptionTable = OptionTable> {
  readonly name: string;
  /** One line for `volplan --help`. */
  readonly summary: string;
  /** Usage lines without the leading "volplan ", such as "plan [--manifest FILE] [--json]". */
  readonly synopsis: readonly string[];
  /** Paragraphs of what the command does, one string each (wrapped when printed). */
  readonly description: readonly string[];
  readonly subcommands?: readonly SubcommandSpec[];
  readonly options: O;
  readonly positionals: PositionalSpec | null;
  /** "Exit status: ..." without that prefix. */
  readonly exitStatus: string;
}

/** A subcommand: `volplan <name> ...`; run returns the exit code. */
export interface Command extends CommandSpec {
  run(ctx: CommandContext): Promise<number>;
}

/** A mistake on the command line: printed as one line plus a usage hint, exit 1. */
export class UsageError extends Error {
  readonly command: string | null;

  constructor(message: string, command: string | null) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** A user error that is not about the command line (a file that cannot be read): one line, exit 1. */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UserError";
  }
}
