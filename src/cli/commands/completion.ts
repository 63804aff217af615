// `volplan completion bash|zsh|fish`: a completion script drawn from the command table.
import type { Command, CommandContext, CommandSpec } from "../command.js";
import { UsageError } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { didYouMean } from "../suggest-option.js";

/** The shells volplan writes completions for. */
const SHELLS = ["bash", "zsh", "fish"] as const;

const SPEC: CommandSpec = {
  name: "completion",
  summary: "print a shell completion script (bash, zsh or fish)",
  synopsis: ["completion bash|zsh|fish"],
  description: [
    "Prints a script that completes volplan's commands, options and their values in the given shell. Load it for the current shell with `source <(volplan completion bash)` (bash, zsh) or `volplan completion fish | source` (fish), or install it where the shell looks: /usr/share/bash-completion/completions/volplan, a directory on $fpath as _volplan, or ~/.config/fish/completions/volplan.fish. The Nix package installs all three.",
  ],
  options: {},
  positionals: {
    name: "SHELL",
    min: 1,
    max: 1,
    what: "one SHELL: bash, zsh or fish",
    complete: SHELLS,
  },
  exitStatus: "0 ok, 1 unknown shell.",
};

async function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs(SPEC, ctx.args);
  const shell = positionals[0] ?? "";
  const { commands } = ctx;
  const { completionScript } = await import("../completion/script.js");
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(
      `unknown shell '${shell}'${didYouMean(shell, SHELLS)} (bash, zsh or fish)`,
      "completion",
    );
  ctx.stdout.write(completionScript(shell as (typeof SHELLS)[number], commands));
  return EXIT.ok;
}

/** The completion command. */
export const completionCommand: Command = { ...SPEC, run };
