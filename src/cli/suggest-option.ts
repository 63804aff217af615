// The one wording of unknown names on the command line, with a "did you mean" when one is close.
import { closestName } from "../manifest/suggest.js";
import type { Command, OptionTable } from "./command.js";
import { UsageError } from "./command.js";

/** "; did you mean 'plan'?" for the closest of `allowed`, or "". */
export function didYouMean(name: string, allowed: readonly string[]): string {
  const closest = closestName(name, allowed);
  return closest === null ? "" : `; did you mean '${closest}'?`;
}

/** "unknown option '--manifets'; did you mean '--manifest'?" among the long options of `tables` and --help. */
export function unknownOptionMessage(arg: string, ...tables: OptionTable[]): string {
  const name = arg.startsWith("--") ? arg.split("=")[0]! : arg;
  const known = ["--help", ...tables.flatMap((table) => Object.keys(table).map((k) => `--${k}`))];
  return `unknown option '${name}'${didYouMean(name, known)}`;
}

/** The command named `name` among `commands`; a usage error with a "did you mean" when there is none. */
export function commandNamed(name: string, commands: readonly Command[]): Command {
  const command = commands.find((c) => c.name === name);
  if (command !== undefined) return command;
  const names = commands.map((c) => c.name);
  throw new UsageError(`unknown command '${name}'${didYouMean(name, names)}`, null);
}
