// The one seam for external commands: argument arrays, explicit timeouts, never a shell.
import { VolplanError } from "../errors.js";
import { shellCommand } from "../text/shell-quote.js";
import { lockDescriptor } from "./lock-descriptor.js";

/** How one command runs. */
export interface RunOptions {
  /** Kill the command after this many milliseconds (always explicit). */
  readonly timeoutMs: number;
  /** Text or bytes written to the command's stdin; stdin is closed otherwise. */
  readonly input?: string | Uint8Array;
  /** Exit codes that count as success; [0] when omitted (e2fsck -p uses 0 and 1). */
  readonly okExitCodes?: readonly number[];
}

/** What a finished command printed. */
export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args`; rejects with a CommandError. Tests substitute their own to record or fail commands. */
export type Runner = (
  file: string,
  args: readonly string[],
  options: RunOptions,
) => Promise<RunResult>;

/** A command that failed, timed out or could not be started; carries its stderr for callers that classify it. */
export class CommandError extends VolplanError {
  readonly file: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(input: {
    code: "COMMAND_FAILED" | "COMMAND_TIMEOUT" | "COMMAND_NOT_FOUND";
    file: string;
    args: readonly string[];
    exitCode: number | null;
    stderr: string;
    cause?: unknown;
  }) {
    super(input.code, commandMessage(input), { cause: input.cause });
    this.name = "CommandError";
    this.file = input.file;
    this.args = input.args;
    this.exitCode = input.exitCode;
    this.stderr = input.stderr;
  }
}

/** The command line as a person would type it (for messages only; never executed). */
export function commandLine(file: string, args: readonly string[]): string {
  return shellCommand(file, ...args);
}

function tail(text: string, lines = 8): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

function commandMessage(input: {
  code: string;
  file: string;
  args: readonly string[];
  exitCode: number | null;
  stderr: string;
}): string {
  const line = commandLine(input.file, input.args);
  const what =
    input.code === "COMMAND_TIMEOUT"
      ? "timed out"
      : input.code === "COMMAND_NOT_FOUND"
        ? "could not be started (is it installed and on PATH?)"
        : `exited with status ${String(input.exitCode)}`;
  const err = tail(input.stderr);
  return err === "" ? `\`${line}\` ${what}` : `\`${line}\` ${what}: ${err}`;
}

// Why a fixed tail of system directories: volplan runs as root from activation scripts and
// systemd units whose PATH may be minimal; the caller's absolute entries (a Nix wrapper's tool
// PATH) stay first, relative entries (".", "") are dropped so a cwd never supplies a binary.
const SYSTEM_PATH = [
  "/run/wrappers/bin",
  "/run/current-system/sw/bin",
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
];

/** The PATH external commands see. */
export function sanePath(current: string | undefined): string {
  const own = (current ?? "").split(":").filter((dir) => dir.startsWith("/"));
  return [...new Set([...own, ...SYSTEM_PATH])].join(":");
}

const commandEnv = { PATH: sanePath(process.env.PATH), LC_ALL: "C", LANG: "C" };

/** The real runner over execa 9. */
export const execaRunner: Runner = async (file, args, options) => {
  const ok = options.okExitCodes ?? [0];
  // Loaded on the first command: execa is most of the code apply would otherwise parse on every
  // run, and a run with nothing to change starts no command at all.
  const { execa } = await import("execa");
  // Why the lock descriptor as the child's fd 3: the flock belongs to the open file description,
  // so a child holding it keeps the host locked after volplan dies (even by SIGKILL of its pid
  // alone) until the child ends: no next run plans against an image resize2fs is still writing.
  const lock = lockDescriptor();
  const stdin = options.input === undefined ? "ignore" : "pipe";
  // execa's types accept only descriptors 3-9 there; at run time a number is passed to
  // child_process.spawn as it is, which dup2()s it to the child's fd 3.
  const stdio = (lock === null ? [stdin, "pipe", "pipe"] : [stdin, "pipe", "pipe", lock]) as [
    typeof stdin,
    "pipe",
    "pipe",
    3?,
  ];
  const result = await execa(file, [...args], {
    timeout: options.timeoutMs,
    env: commandEnv,
    extendEnv: false,
    shell: false,
    reject: false,
    stdio,
    ...(options.input === undefined ? {} : { input: options.input }),
    stripFinalNewline: true,
    encoding: "utf8",
  });
  const stderr = String(result.stderr ?? "");
  const exitCode = result.exitCode ?? null;
  if (result.timedOut)
    throw new CommandError({
      code: "COMMAND_TIMEOUT",
      file,
      args,
      exitCode,
      stderr,
      cause: result,
    });
  if (exitCode === null || !ok.includes(exitCode)) {
    const notFound = (result.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    const code = notFound ? "COMMAND_NOT_FOUND" : "COMMAND_FAILED";
    const detail = notFound || exitCode === null ? (result.message ?? stderr) : stderr;
    throw new CommandError({ code, file, args, exitCode, stderr: detail, cause: result });
  }
  return { exitCode, stdout: String(result.stdout ?? ""), stderr };
};

/** Whether a failed command reported a full filesystem. */
export function isNoSpace(error: unknown): boolean {
  if (error instanceof CommandError) return /No space left on device/i.test(error.stderr);
  return (error as NodeJS.ErrnoException | null)?.code === "ENOSPC";
}

/** Whether a failed command reported an operation the filesystem does not support. */
export function isNotSupported(error: unknown): boolean {
  if (error instanceof CommandError)
    return /Operation not supported|not supported/i.test(error.stderr);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "EOPNOTSUPP" || code === "ENOTSUP";
}
