// The volplan executable: the only code that touches argv, the environment, stdio and the exit status.
import packageJson from "../../package.json" with { type: "json" };
import { runCli } from "./run-cli.js";

function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  // `volplan plan | head` closes the pipe early; that is not a failure worth a stack trace.
  if (error.code !== "EPIPE") throw error;
}

process.stdout.on("error", ignoreBrokenPipe);
process.stderr.on("error", ignoreBrokenPipe);

// exitCode rather than exit(): buffered output to a pipe is flushed before the process ends.
process.exitCode = await runCli({
  argv: process.argv.slice(2),
  stdout: { write: (text) => void process.stdout.write(text) },
  stderr: { write: (text) => void process.stderr.write(text) },
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  version: packageJson.version,
});
