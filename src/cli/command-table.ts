// Every command, in the order `volplan --help` lists them: the one table that --help, parsing,
// the man page and the shell completions are drawn from.
import type { Command } from "./command.js";
import { applyCommand } from "./commands/apply.js";
import { artifactCommand } from "./commands/artifact.js";
import { completionCommand } from "./commands/completion.js";
import { diffCommand } from "./commands/diff.js";
import { gcCommand } from "./commands/gc.js";
import { helpCommand } from "./commands/help.js";
import { planCommand } from "./commands/plan.js";
import { validateCommand } from "./commands/validate.js";

/** The commands, alphabetically. */
export const COMMANDS: readonly Command[] = [
  applyCommand,
  artifactCommand,
  completionCommand,
  diffCommand,
  gcCommand,
  helpCommand,
  planCommand,
  validateCommand,
];
