// What the CLI prints for a failure: one line for user errors, the code for VolplanError, a stack only when debugging.
import { VolplanError } from "../errors.js";
import { UsageError, UserError } from "./command.js";

function hint(command: string | null): string {
  return command === null
    ? "Run 'volplan --help' for usage."
    : `Run 'volplan ${command} --help' for usage.`;
}

function stackOf(error: unknown, debug: boolean): string {
  return debug && error instanceof Error && error.stack ? `${error.stack}\n` : "";
}

/** The stderr text for an error that ended a command; `debug` (VOLPLAN_DEBUG=1) adds the stack. */
export function errorText(error: unknown, debug: boolean): string {
  if (error instanceof UsageError) return `volplan: ${error.message}\n${hint(error.command)}\n`;
  if (error instanceof UserError) return `volplan: ${error.message}\n`;
  if (error instanceof VolplanError) {
    return `volplan: ${error.message} [${error.code}]\n${stackOf(error, debug)}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `volplan: internal error: ${message}\n${stackOf(error, debug)}`;
}
