import { describe, expect, it } from "vitest";
import {
  CommandError,
  commandLine,
  execaRunner,
  isNoSpace,
  sanePath,
} from "../../src/host/runner.js";

describe("execaRunner", () => {
  it("returns stdout and stderr of a successful command", async () => {
    const result = await execaRunner("sh", ["-c", "echo out; echo err >&2"], { timeoutMs: 5000 });
    expect(result).toEqual({ exitCode: 0, stdout: "out", stderr: "err" });
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const result = await execaRunner("printf", ["%s", "$(echo no); rm -rf /"], { timeoutMs: 5000 });
    expect(result.stdout).toBe("$(echo no); rm -rf /");
  });

  it("writes input to stdin", async () => {
    const result = await execaRunner("cat", [], { timeoutMs: 5000, input: "piped" });
    expect(result.stdout).toBe("piped");
  });

  it("puts the command line and stderr tail in the error", async () => {
    const error = await execaRunner("sh", ["-c", "echo 'No space left on device' >&2; exit 3"], {
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: "COMMAND_FAILED", exitCode: 3 });
    expect((error as Error).message).toContain("`sh -c");
    expect((error as Error).message).toContain("No space left on device");
    expect(isNoSpace(error)).toBe(true);
  });

  it("accepts the exit codes it is told are fine", async () => {
    const result = await execaRunner("sh", ["-c", "exit 1"], {
      timeoutMs: 5000,
      okExitCodes: [0, 1],
    });
    expect(result.exitCode).toBe(1);
  });

  it.each([
    { what: "a timeout", file: "sleep", args: ["5"], timeoutMs: 200, code: "COMMAND_TIMEOUT" },
    {
      what: "a missing program",
      file: "volplan-no-such-tool",
      args: [],
      timeoutMs: 5000,
      code: "COMMAND_NOT_FOUND",
    },
  ])("reports $what with its own code", async ({ file, args, timeoutMs, code }) => {
    const error = await execaRunner(file, args, { timeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code });
  });
});

describe("sanePath", () => {
  it("keeps absolute entries first and drops relative ones", () => {
    expect(sanePath("/nix/tools/bin:.::relative").split(":").slice(0, 2)).toEqual([
      "/nix/tools/bin",
      "/run/wrappers/bin",
    ]);
    expect(sanePath(undefined)).toContain("/usr/sbin");
  });
});

describe("commandLine", () => {
  it("quotes words a shell would split", () => {
    expect(commandLine("mkfs.ext4", ["-L", "my label", "/a b"])).toBe(
      "mkfs.ext4 -L 'my label' '/a b'",
    );
  });
});
