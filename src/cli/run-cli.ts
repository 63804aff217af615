// Dispatches `volplan [global options] <command> [args]`; returns the exit code, never exits.
import type { Command, Writer } from "./command.js";
import { UsageError } from "./command.js";
import * as registry from "./commands/index.js";
import { errorText } from "./error-text.js";
import { EXIT } from "./exit-codes.js";
import { splitGlobalArgs } from "./global-args.js";

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

const commands: readonly Command[] = Object.values(registry);

function mainUsage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: volplan [--color=auto|always|never] <command> [options]

Reconciles VM disk-image volumes and boot artifacts with a JSON manifest.

Commands:
${list}

Global options:
  --color=WHEN   colour output: auto (default: when stdout is a terminal and NO_COLOR is unset), always, never
  -h, --help     show help (volplan <command> --help for a command)
  --version      print the version

Environment: VOLPLAN_MANIFEST (default manifest), NO_COLOR, VOLPLAN_DEBUG=1 (stack traces).
`;
}

async function dispatch(input: CliInput): Promise<number> {
  const global = splitGlobalArgs(input.argv);
  if (global.version) {
    input.stdout.write(`${input.version}\n`);
    return EXIT.ok;
  }
  if (global.command === null) {
    (global.help ? input.stdout : input.stderr).write(mainUsage());
    return global.help ? EXIT.ok : EXIT.error;
  }
  const command = commands.find((c) => c.name === global.command);
  if (command === undefined) throw new UsageError(`unknown command '${global.command}'`, null);
  if (global.help) {
    input.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  const noColor = (input.env["NO_COLOR"] ?? "") !== "";
  const color = global.color === "auto" ? input.stdoutIsTTY && !noColor : global.color === "always";
  return command.run({ ...input, args: global.args, color });
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
