// `volplan completion bash|zsh|fish`: each script passes its shell's syntax check, loads, and
// completes commands, options by subcommand and option values from the command table. A shell
// that is not installed skips its tests, except under CI=true (.ci/install-deps installs them).
import { execa } from "execa";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const inCi = process.env["CI"] === "true";
const scripts: Record<string, string> = {};
let dir = "";

async function installed(shell: string): Promise<boolean> {
  const found = await execa("sh", ["-c", `command -v ${shell}`], { reject: false });
  return found.exitCode === 0;
}

// Runs only where the shell is installed, or under CI=true (where a missing shell fails).
async function shellTest(shell: string) {
  const present = await installed(shell);
  return present || inCi ? it : it.skip;
}

const bashIt = await shellTest("bash");
const zshIt = await shellTest("zsh");
const fishIt = await shellTest("fish");

beforeAll(async () => {
  dir = await tempDir("volplan-completion-");
  for (const shell of ["bash", "zsh", "fish"]) {
    const result = await volplan(["completion", shell]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    scripts[shell] = path.join(dir, `volplan.${shell}`);
    await writeFile(scripts[shell], result.stdout);
  }
});

// What bash's _volplan offers for the words after "volplan" (the last one being completed).
async function bashComplete(line: string): Promise<string[]> {
  const program = [
    `source ${JSON.stringify(scripts["bash"])}`,
    `COMP_WORDS=(volplan ${line}); [[ ${JSON.stringify(line)} == *" " || -z ${JSON.stringify(line)} ]] && COMP_WORDS+=("")`,
    "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _volplan",
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const result = await execa("bash", ["--norc", "-c", program]);
  return result.stdout.split("\n").filter((w) => w !== "");
}

// fish keeps universal variables under XDG_CONFIG_HOME: a scratch directory, not the user's.
function fishHome() {
  return { XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir };
}

// What fish offers for a command line.
async function fishComplete(line: string): Promise<string[]> {
  const program = `source ${scripts["fish"]}; complete -C ${JSON.stringify(`volplan ${line}`)}`;
  const result = await execa("fish", ["--no-config", "-c", program], { env: fishHome() });
  return result.stdout
    .split("\n")
    .map((l) => l.split("\t")[0]!)
    .filter((w) => w !== "");
}

describe("volplan completion", () => {
  it("refuses an unknown shell with did you mean", async () => {
    const result = await volplan(["completion", "zhs"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("unknown shell 'zhs'; did you mean 'zsh'?");
  });

  bashIt("bash: passes bash -n and completes from the table", async () => {
    await execa("bash", ["-n", scripts["bash"]!]);
    expect(await bashComplete("pl")).toEqual(["plan"]);
    expect(await bashComplete("apply --dr")).toEqual(["--dry-run"]);
    expect(await bashComplete("--color ")).toEqual(["auto", "always", "never"]);
    expect(await bashComplete("artifact ")).toEqual(["path", "fetch", "extract"]);
    expect(await bashComplete("completion ")).toEqual(["bash", "zsh", "fish"]);
    const fetch = await bashComplete("artifact fetch --");
    expect(fetch).toEqual(expect.arrayContaining(["--verify", "--jobs", "--manifest"]));
    expect(fetch).not.toContain("--to");
    expect(await bashComplete("plan --")).not.toContain("--version");
    expect(await bashComplete("--")).toContain("--version");
  });

  zshIt("zsh: passes zsh -n and registers _volplan under compinit", async () => {
    await execa("zsh", ["-n", scripts["zsh"]!]);
    const program = `autoload -Uz compinit; compinit -u -D; source ${scripts["zsh"]}; print -r -- $_comps[volplan]`;
    const result = await execa("zsh", ["-f", "-c", program]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("_volplan");
  });

  // No terminal to drive zsh's completion widget: _arguments is replaced by a stub that enters
  // the argument state (as the script's outer call would) and prints the specs of the inner one.
  zshIt(
    "zsh: offers the options of the subcommand typed, and subcommands with their help",
    async () => {
      const specsFor = async (...words: string[]) => {
        const program = [
          "autoload -Uz compinit; compinit -u -D",
          `source ${scripts["zsh"]}`,
          "_arguments() {",
          "  if [[ $1 == -C ]]; then state=argument; line=(${words[2]}); words=(${words[2,-1]}); return 0; fi",
          '  print -rl -- "$@"',
          "}",
          `words=(volplan ${words.map((w) => `'${w}'`).join(" ")} ''); CURRENT=$#words`,
          "_volplan",
        ].join("\n");
        const result = await execa("zsh", ["-f", "-c", program]);
        return result.stdout.split("\n");
      };
      const fetch = await specsFor("artifact", "fetch");
      expect(fetch).toEqual(
        expect.arrayContaining([
          "--manifest=[manifest]:manifest:_files",
          "--jobs=[parallel downloads]:jobs: ",
        ]),
      );
      expect(fetch.some((s) => s.startsWith("--verify["))).toBe(true);
      expect(fetch.some((s) => s.startsWith("--to="))).toBe(false);
      const extract = await specsFor("artifact", "extract");
      expect(extract).toContain("--to=[the directory to extract into]:to:_files -/");
      expect(extract.some((s) => s.startsWith("--verify["))).toBe(false);
      const sub = fetch.find((s) => s.startsWith("1:subcommand:"));
      expect(sub).toContain('path\\:"print the cached path"');
      const plan = await specsFor("plan");
      expect(plan.some((s) => s.startsWith("--version"))).toBe(false);
      expect(plan.some((s) => s.startsWith("--out=[also save the plan"))).toBe(true);
    },
  );

  fishIt("fish: passes fish --no-execute and completes from the table", async () => {
    await execa("fish", ["--no-execute", scripts["fish"]!], { env: fishHome() });
    expect(await fishComplete("pl")).toEqual(["plan"]);
    expect(await fishComplete("artifact ")).toEqual(["extract", "fetch", "path"]);
    const fetch = await fishComplete("artifact fetch --");
    expect(fetch).toEqual(expect.arrayContaining(["--verify", "--jobs", "--manifest"]));
    expect(fetch).not.toContain("--to");
    expect(await fishComplete("--color=")).toEqual([
      "--color=always",
      "--color=auto",
      "--color=never",
    ]);
  });
});
