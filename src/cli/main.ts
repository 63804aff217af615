// The volplan executable: the only code that touches argv, the environment, stdio and the exit status.
import { writeSync } from "node:fs";
import packageJson from "../../package.json" with { type: "json" };
import { enableInterruptNotes } from "./interrupt.js";
import { runCli } from "./run-cli.js";
import { stdoutIsTerminal } from "./stdout-is-terminal.js";

function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  // `volplan plan | head` closes the pipe early; that is not a failure worth a stack trace.
  if (error.code !== "EPIPE") throw error;
}

// process.stderr is made on first use: building its stream costs about 2 ms of start-up, and a
// run without warnings never writes to it.
let stderr: NodeJS.WriteStream | null = null;
function writeStderr(text: string): void {
  if (stderr === null) {
    stderr = process.stderr;
    stderr.on("error", ignoreBrokenPipe);
  }
  stderr.write(text);
}

// Output goes to descriptor 1 with write(2), as process.stdout does for files, pipes and
// terminals on Linux, without building that stream (1-3 ms of start-up). On any failure but
// EPIPE (EAGAIN from a non-blocking pipe, a closed descriptor), the rest and every later write go
// through process.stdout, which handles those cases as before.
let stdout: NodeJS.WriteStream | null = null;
function writeStdout(text: string): void {
  if (stdout !== null) {
    stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(1, bytes, offset);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EPIPE") return;
    stdout = process.stdout;
    stdout.on("error", ignoreBrokenPipe);
    stdout.write(bytes.subarray(offset));
  }
}

// exitCode rather than exit(): output handed to process.stdout is flushed before the process ends.
// No top-level await: the bundle is CommonJS (see scripts/build.mjs).
async function main(): Promise<void> {
  // Long work (downloads) says what it kept when SIGINT/SIGTERM stops it, then exits 130/143.
  enableInterruptNotes({ write: writeStderr, exit: (code) => process.exit(code) });
  process.exitCode = await runCli({
    argv: process.argv.slice(2),
    stdout: { write: writeStdout },
    stderr: { write: writeStderr },
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: await stdoutIsTerminal(),
    version: packageJson.version,
  });
}

void main();
