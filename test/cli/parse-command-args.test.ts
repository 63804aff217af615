// The command table's promise: every command accepts each option its help mentions, and every
// mistake is one lower-case line, with "did you mean" when a known name is close.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/command.js";
import type { Command, OptionSpec } from "../../src/cli/command.js";
import { COMMANDS } from "../../src/cli/command-table.js";
import { commandUsage } from "../../src/cli/help-text.js";
import { parseCommandArgs } from "../../src/cli/parse-command-args.js";
import { runCli } from "../../src/cli/run-cli.js";

// The words that make `--name` valid for a command: a value, a subcommand it goes with, and the
// positionals the command needs.
function argsFor(command: Command, name: string, option: OptionSpec | undefined): string[] {
  const value = option?.type === "string" ? ["x"] : [];
  const sub = command.subcommands === undefined ? [] : [option?.with?.[0] ?? "fetch"];
  const positionals = Array.from({ length: command.positionals?.min ?? 0 }, () => "f.json");
  return [...sub, ...(sub.length > 0 ? [] : positionals), `--${name}`, ...value];
}

async function run(argv: string[]) {
  let stderr = "";
  const code = await runCli({
    argv,
    stdout: { write: () => undefined },
    stderr: { write: (t) => void (stderr += t) },
    env: {},
    cwd: "/",
    stdoutIsTTY: false,
    version: "9.9.9",
  });
  return { code, stderr };
}

function usageError(command: Command, args: string[]): string {
  try {
    parseCommandArgs(command, args);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return "(accepted)";
}

const byName = (name: string): Command => COMMANDS.find((c) => c.name === name)!;

// Options a help text mentions that belong to another program or command: `volplan plan --out`
// in apply's, nixos-anywhere's --kexec in artifact's.
const ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
  apply: ["out"],
  artifact: ["kexec"],
};

// Every --option a command's help text mentions, with the command.
const mentioned = COMMANDS.flatMap((command) => {
  const names = [...commandUsage(command).matchAll(/--([a-z][a-z-]+)/g)].map((m) => m[1]!);
  return [...new Set(names)]
    .filter((name) => name !== "help" && !(ELSEWHERE[command.name] ?? []).includes(name))
    .map((name) => ({ command: command.name, name }));
});

describe("the command table", () => {
  it("finds the options help texts mention, and those of other programs only where listed", () => {
    for (const [command, names] of Object.entries(ELSEWHERE))
      for (const name of names) expect(commandUsage(byName(command))).toContain(`--${name}`);
    expect(mentioned).toEqual(
      expect.arrayContaining([
        { command: "apply", name: "verbose" },
        { command: "apply", name: "detailed-exitcode" },
        { command: "plan", name: "manifest" },
        { command: "artifact", name: "verify" },
      ]),
    );
  });

  it.each(mentioned)("$command accepts --$name, which its help mentions", ({ command, name }) => {
    const spec = byName(command);
    const option = spec.options[name];
    expect(option, `${command} --help mentions --${name} but has no such option`).toBeDefined();
    expect(usageError(spec, argsFor(spec, name, option))).toBe("(accepted)");
  });

  it.each(COMMANDS.map((c) => c.name))("%s's help lists every option it takes", (name) => {
    const spec = byName(name);
    const usage = commandUsage(spec);
    for (const option of Object.keys(spec.options)) expect(usage).toContain(`--${option}`);
  });
});

describe("command-line forms", () => {
  it.each([
    ["plan", ["m.json"]],
    ["plan", ["--manifest", "m.json", "--only", "volumes", "--only", "artifacts"]],
    ["gc", ["m.json", "--dry-run"]],
    ["apply", ["--dry-run", "--detailed-exitcode", "--verbose", "--json"]],
    ["apply", ["plan.json", "--jobs", "2", "--no-wait", "--verbose"]],
    ["diff", ["a.json", "b.json", "--markdown", "--verbose"]],
    ["validate", ["a.json", "b.json", "--json"]],
    ["artifact", ["fetch", "--verify", "--jobs=3", "--manifest", "m.json"]],
    ["artifact", ["extract", "kexec", "--to", "dir"]],
    ["completion", ["zsh"]],
    ["help", ["apply"]],
  ])("%s %j is accepted", (name, args) => {
    expect(usageError(byName(name), args)).toBe("(accepted)");
  });

  it.each([
    ["plan", ["--manifets", "m.json"], "unknown option '--manifets'; did you mean '--manifest'?"],
    ["plan", ["--manifets=m.json"], "unknown option '--manifets'; did you mean '--manifest'?"],
    ["apply", ["--dryrun"], "unknown option '--dryrun'; did you mean '--dry-run'?"],
    ["apply", ["--colour=never"], "unknown option '--colour'; did you mean '--color'?"],
    ["plan", ["--frobnicate"], "unknown option '--frobnicate'"],
    ["apply", ["--jobs"], "option '--jobs' needs a value: --jobs N"],
    ["plan", ["--json=yes"], "option '--json' takes no value"],
    ["plan", ["a.json", "b.json"], "plan takes at most one manifest FILE, got 2"],
    ["diff", ["a.json"], "diff takes two manifest files, OLD and NEW, got 1"],
    ["artifact", ["path", "k", "--verify"], "option '--verify' goes with artifact fetch only"],
  ])("%s %j: %s", (name, args, message) => {
    expect(usageError(byName(name), args)).toBe(message);
  });
});

describe("mistyped names", () => {
  it.each([
    [
      ["pln"],
      "volplan: unknown command 'pln'; did you mean 'plan'?\nRun 'volplan --help' for usage.\n",
    ],
    [
      ["--colr=always", "plan"],
      "volplan: unknown option '--colr'; did you mean '--color'?\nRun 'volplan --help' for usage.\n",
    ],
    [
      ["artifact", "fecth"],
      "volplan: unknown artifact subcommand 'fecth'; did you mean 'fetch'?\nRun 'volplan artifact --help' for usage.\n",
    ],
    [
      ["help", "aply"],
      "volplan: unknown command 'aply'; did you mean 'apply'?\nRun 'volplan --help' for usage.\n",
    ],
    [
      ["completion", "bsh"],
      "volplan: unknown shell 'bsh'; did you mean 'bash'? (bash, zsh or fish)\nRun 'volplan completion --help' for usage.\n",
    ],
    [["xyzzy"], "volplan: unknown command 'xyzzy'\nRun 'volplan --help' for usage.\n"],
    [
      ["apply", "--detailed-exitcode"],
      "volplan: --detailed-exitcode goes with --dry-run only\nRun 'volplan apply --help' for usage.\n",
    ],
  ])("%j", async (argv, stderr) => {
    expect(await run(argv)).toEqual({ code: 1, stderr });
  });
});
