// `volplan help [COMMAND]`: the same text as `volplan --help` and `volplan COMMAND --help`.
import type { Command, CommandContext, CommandSpec } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { commandNamed } from "../suggest-option.js";

const SPEC: CommandSpec = {
  name: "help",
  summary: "show the help of volplan or of one command",
  synopsis: ["help [COMMAND]"],
  description: ["Prints what `volplan --help` or `volplan COMMAND --help` prints."],
  options: {},
  positionals: { name: "COMMAND", min: 0, max: 1, what: "at most one COMMAND", complete: null },
  exitStatus: "0 ok, 1 unknown command.",
};

async function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs(SPEC, ctx.args);
  const { commands } = ctx;
  const { commandUsage, mainUsage } = await import("../help-text.js");
  const [name] = positionals;
  if (name === undefined) {
    ctx.stdout.write(mainUsage(commands));
    return EXIT.ok;
  }
  const command = commandNamed(name, commands);
  ctx.stdout.write(commandUsage(command));
  return EXIT.ok;
}

/** The help command. */
export const helpCommand: Command = { ...SPEC, run };
