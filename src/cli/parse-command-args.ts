// node:util parseArgs for one command, turning its errors into one-line usage errors.
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { UsageError } from "./command.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command's arguments strictly; unknown flags become a UsageError naming the command. */
export function parseCommandArgs<T extends Options>(input: {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: T;
  readonly positionals: boolean;
}) {
  try {
    return parseArgs({
      args: [...input.args],
      options: input.options,
      allowPositionals: input.positionals,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs messages end with advice for scripts ("To specify a positional argument ..."); keep the first sentence.
    const first = message.split(/\.\s/)[0] ?? message;
    throw new UsageError(first.replace(/\.$/, ""), input.command);
  }
}
