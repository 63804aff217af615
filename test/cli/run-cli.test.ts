// The dispatcher in-process: global options, unknown commands and flags, error printing, colour choice.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { splitGlobalArgs } from "../../src/cli/global-args.js";
import { planExitCode } from "../../src/cli/exit-codes.js";
import { noOpPlan, samplePlan } from "../render/sample-plan.js";

async function run(argv: string[], env: Record<string, string> = {}, tty = false) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    env,
    cwd: "/",
    stdoutIsTTY: tty,
    version: "9.9.9",
  });
  return { code, stdout, stderr };
}

describe("runCli", () => {
  it("prints the version", async () => {
    expect(await run(["--version"])).toEqual({ code: 0, stdout: "9.9.9\n", stderr: "" });
  });

  it("lists the commands with --help and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const name of ["validate", "plan", "diff"])
      expect(result.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it("shows a command's usage with COMMAND --help", async () => {
    const result = await run(["plan", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: volplan plan /);
  });

  it("refuses an unknown command with one line and a hint", async () => {
    const result = await run(["frobnicate"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "volplan: unknown command 'frobnicate'\nRun 'volplan --help' for usage.\n",
    });
  });

  it("refuses an unknown flag of a command with one line and a hint", async () => {
    const result = await run(["validate", "--frob", "x.json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "volplan: unknown option '--frob'\nRun 'volplan validate --help' for usage.\n",
    );
  });

  it("refuses a bad --color value and contradictory views", async () => {
    expect((await run(["--color=sometimes", "plan"])).stderr).toContain("--color must be auto");
    const both = await run(["plan", "--json", "--markdown"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("--json and --markdown cannot be used together");
  });

  it("exits 1 with usage when no command is given", async () => {
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Usage: volplan");
  });
});

describe("splitGlobalArgs", () => {
  it("takes --color before or after the command and leaves the rest", () => {
    expect(splitGlobalArgs(["--color=never", "plan", "--json"])).toMatchObject({
      command: "plan",
      args: ["--json"],
      color: "never",
    });
    expect(splitGlobalArgs(["plan", "--color", "always", "--out", "x"])).toMatchObject({
      args: ["--out", "x"],
      color: "always",
    });
  });
});

describe("planExitCode", () => {
  it("maps plans to 0, 2, 3 and 4", () => {
    expect(planExitCode(noOpPlan(), true)).toBe(0);
    const changes = { ...noOpPlan(), summary: { ...noOpPlan().summary, create: 1 } };
    expect(planExitCode(changes, false)).toBe(0);
    expect(planExitCode(changes, true)).toBe(2);
    const refused = { ...changes, summary: { ...changes.summary, refused: 1 } };
    expect(planExitCode(refused, false)).toBe(3);
    expect(planExitCode(samplePlan(), true)).toBe(4);
  });
});

describe("colour choice (auto)", () => {
  const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "diff");
  const argv = ["diff", path.join(fixtures, "old.json"), path.join(fixtures, "added.json")];

  it("colours a terminal, not when NO_COLOR is set, and not with --color=never", async () => {
    expect((await run(argv, {}, true)).stdout).toContain("\u001b[");
    expect((await run(argv, { NO_COLOR: "1" }, true)).stdout).not.toContain("\u001b[");
    expect((await run([...argv, "--color=never"], {}, true)).stdout).not.toContain("\u001b[");
    expect((await run(argv, { NO_COLOR: "" }, true)).stdout).toContain("\u001b[");
    expect((await run(argv, {}, false)).stdout).not.toContain("\u001b[");
  });

  it("gives a dumb terminal no colour", async () => {
    expect((await run(argv, { TERM: "dumb" }, true)).stdout).not.toContain("\u001b[");
    expect((await run(argv, { TERM: "xterm" }, true)).stdout).toContain("\u001b[");
  });

  // NO_COLOR is a default that a flag may override (no-color.org): --color=always wins.
  it("colours with --color=always, over NO_COLOR, TERM=dumb and a pipe", async () => {
    const always = [...argv, "--color=always"];
    expect((await run(always, { NO_COLOR: "1" }, true)).stdout).toContain("\u001b[");
    expect((await run(always, { TERM: "dumb" }, false)).stdout).toContain("\u001b[");
  });
});
