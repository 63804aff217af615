// The CLI program (dist/main.cjs, run by bin.ts): the only code that touches argv, the
// environment, stdio and the exit status.
import packageJson from "../../package.json" with { type: "json" };
import type { Writer } from "./command.js";
import { enableInterruptNotes } from "./interrupt.js";
import { runCli } from "./run-cli.js";

function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  // `volplan plan | head` closes the pipe early; that is not a failure worth a stack trace.
  if (error.code !== "EPIPE") throw error;
}

// Each stream is taken on first use, so a run that never writes to stderr never builds it.
function writerTo(name: "stdout" | "stderr"): Writer {
  let stream: NodeJS.WriteStream | null = null;
  return {
    write(text) {
      if (stream === null) {
        stream = process[name];
        stream.on("error", ignoreBrokenPipe);
      }
      stream.write(text);
    },
  };
}

// exitCode rather than exit(): output handed to process.stdout is flushed before the process ends.
// No top-level await: the bundle is CommonJS (see scripts/build.mjs).
const stderr = writerTo("stderr");
// Long work (downloads, apply) says what it kept when SIGINT/SIGTERM stops it, then exits 130/143.
enableInterruptNotes({ write: (text) => stderr.write(text), exit: (code) => process.exit(code) });
void runCli({
  argv: process.argv.slice(2),
  stdout: writerTo("stdout"),
  stderr,
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  version: packageJson.version,
}).then((code) => {
  process.exitCode = code;
});
