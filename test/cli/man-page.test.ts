// man/volplan.1 is what scripts/man.mjs makes from the command table, renders without warnings,
// and documents every command, subcommand and option that --help does.
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
import { GLOBAL_OPTIONS } from "../../src/cli/global-args.js";
import { optionTerm } from "../../src/cli/help-text.js";
import { manPage } from "../../src/cli/man-page.js";
import { ROOT } from "./volplan.js";

const inCi = process.env["CI"] === "true";
const groff = await execa("sh", ["-c", "command -v groff"], { reject: false });
const groffIt = groff.exitCode === 0 || inCi ? it : it.skip;

// The page as man shows it, on lines wide enough that no option is broken.
async function rendered(): Promise<{ text: string; warnings: string }> {
  const result = await execa(
    "groff",
    ["-man", "-Tutf8", "-ww", "-rLL=400n", "-P-cbou", path.join(ROOT, "man/volplan.1")],
    { env: { LC_ALL: "C.UTF-8" } },
  );
  return { text: result.stdout, warnings: result.stderr };
}

describe("man/volplan.1", () => {
  it("is current with the command table (node scripts/man.mjs)", async () => {
    const result = await execa(process.execPath, [path.join(ROOT, "scripts/man.mjs"), "--check"], {
      cwd: ROOT,
      reject: false,
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("uses only the man macros it means to", () => {
    const requests = manPage(COMMANDS)
      .split("\n")
      .filter((line) => /^[.']/.test(line))
      .map((line) => line.split(" ")[0]);
    const allowed = [".TH", ".SH", ".SS", ".TP", ".PP", ".RS", ".RE", ".nf", ".fi", '.\\"'];
    expect([...new Set(requests)].filter((r) => !allowed.includes(r!))).toEqual([]);
  });

  groffIt("prints text that looks like roff as it is", async () => {
    const hostile = ".TH evil \\fB bold? 'quoted -x --long";
    const page = manPage([
      {
        name: "demo",
        summary: "a command",
        synopsis: ["demo"],
        description: [hostile, `${hostile}\n.SH NOT A SECTION`],
        options: {},
        positionals: null,
        exitStatus: "0 ok.",
      },
    ]);
    const result = await execa("groff", ["-man", "-Tutf8", "-ww", "-rLL=400n", "-P-cbou"], {
      input: page,
      env: { LC_ALL: "C.UTF-8" },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(hostile);
    expect(result.stdout).toContain(".SH NOT A SECTION");
  });

  groffIt("renders without warnings and documents every command and option", async () => {
    const { text, warnings } = await rendered();
    expect(warnings).toBe("");
    for (const command of COMMANDS) {
      for (const line of command.synopsis) expect(text).toContain(`volplan ${line}`);
      for (const sub of command.subcommands ?? [])
        expect(text).toMatch(new RegExp(`^ +${sub.name}\\b`, "m"));
      for (const [name, option] of Object.entries(command.options))
        expect(text).toContain(optionTerm(name, option));
      expect(text).toContain(`Exit status: ${command.exitStatus}`);
    }
    for (const [name, option] of Object.entries(GLOBAL_OPTIONS))
      expect(text).toContain(optionTerm(name, option));
    expect(text).toMatch(/^ENVIRONMENT$/m);
    expect(text).toContain("NO_COLOR");
  });
});
