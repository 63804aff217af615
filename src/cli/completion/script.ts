// The completion script for one shell, drawn from the command table.
import type { Command } from "../command.js";
import { bashScript } from "./bash.js";
import { fishScript } from "./fish.js";
import { completedCommands, globalOptions } from "./model.js";
import { zshScript } from "./zsh.js";

/** `volplan completion SHELL`'s output. */
export function completionScript(
  shell: "bash" | "zsh" | "fish",
  commands: readonly Command[],
): string {
  const table = completedCommands(commands);
  const globals = globalOptions();
  switch (shell) {
    case "bash":
      return bashScript(table, globals);
    case "zsh":
      return zshScript(table, globals);
    case "fish":
      return fishScript(table, globals);
  }
}
