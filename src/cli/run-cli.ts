// Dispatches `volplan [global options] <command> [args]`; returns the exit code, never exits.
import type { Writer } from "./command.js";
import { COMMANDS } from "./command-table.js";
import { errorText } from "./error-text.js";
import { EXIT } from "./exit-codes.js";
import { splitGlobalArgs } from "./global-args.js";
import { commandNamed } from "./suggest-option.js";

/** The outside world, as main.ts sees it. */
export interface CliInput {
  readonly argv: readonly string[];
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdoutIsTTY: boolean;
  readonly version: string;
}

/**
 * Colour on stdout: --color=always and never are obeyed as given (always also over NO_COLOR and
 * TERM=dumb: NO_COLOR is a default a flag may override); auto colours a terminal other than a
 * dumb one, unless NO_COLOR is set and not empty.
 */
function colorWanted(
  flag: "auto" | "always" | "never",
  input: Pick<CliInput, "env" | "stdoutIsTTY">,
): boolean {
  if (flag !== "auto") return flag === "always";
  const noColor = (input.env["NO_COLOR"] ?? "") !== "";
  return input.stdoutIsTTY && !noColor && input.env["TERM"] !== "dumb";
}

async function dispatch(input: CliInput): Promise<number> {
  const global = splitGlobalArgs(input.argv);
  if (global.version) {
    input.stdout.write(`${input.version}\n`);
    return EXIT.ok;
  }
  if (global.command === null) {
    const { mainUsage } = await import("./help-text.js");
    (global.help ? input.stdout : input.stderr).write(mainUsage(COMMANDS));
    return global.help ? EXIT.ok : EXIT.error;
  }
  const name = global.command;
  const command = commandNamed(name, COMMANDS);
  if (global.help) {
    const { commandUsage } = await import("./help-text.js");
    input.stdout.write(commandUsage(command));
    return EXIT.ok;
  }
  const color = colorWanted(global.color, input);
  return command.run({ ...input, args: global.args, color, commands: COMMANDS });
}

/** Runs the CLI; every failure becomes a message on stderr and an exit code. */
export async function runCli(input: CliInput): Promise<number> {
  try {
    return await dispatch(input);
  } catch (error) {
    input.stderr.write(errorText(error, input.env["VOLPLAN_DEBUG"] === "1"));
    return EXIT.error;
  }
}
