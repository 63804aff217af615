// The shape of a subcommand and the context the entry point hands it.

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
  /** Whether to colour output (already resolved from --color, the TTY and NO_COLOR). */
  readonly color: boolean;
}

/** A subcommand: `volplan <name> ...`; run returns the exit code. */
export interface Command {
  readonly name: string;
  /** One line for `volplan --help`. */
  readonly summary: string;
  /** The full text of `volplan <name> --help`. */
  readonly usage: string;
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
