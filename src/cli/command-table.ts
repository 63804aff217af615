// Every command, in the order `volplan --help` lists them: the one table that --help, parsing,
import type { Command } from "./command.js";
import { applyCommand } from "./commands/apply.js";
import { artifactCommand } from "./commands/artifact.js";
import { diffCommand } from "./commands/diff.js";
import { gcCommand } from "./commands/gc.js";
import { helpCommand } from "./commands/help.js";
import { planCommand } from "./commands/plan.js";
import { validateCommand } from "./commands/validate.js";

/** The commands, alphabetically. */
export const COMMANDS: readonly Command[] = [
  applyCommand,
  artifactCommand,
  diffCommand,
  gcCommand,
  helpCommand,
  planCommand,
  validateCommand,
];
