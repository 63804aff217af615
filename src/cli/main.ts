// The volplan executable: the only code that touches argv, the environment, stdio and the exit status.
import packageJson from "../../package.json" with { type: "json" };
import { runCli } from "./run-cli.js";

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

process.stdout.on("error", ignoreBrokenPipe);

// exitCode rather than exit(): buffered output to a pipe is flushed before the process ends.
process.exitCode = await runCli({
  argv: process.argv.slice(2),
  stdout: { write: (text) => void process.stdout.write(text) },
  stderr: { write: writeStderr },
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  version: packageJson.version,
});
