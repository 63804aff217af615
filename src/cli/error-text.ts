// What the CLI prints for a failure: one line for user errors, the code for VolplanError, a stack only when debugging.
import { VolplanError } from "../errors.js";
import { escapeLines } from "../text/escape-controls.js";
import { UsageError, UserError } from "./command.js";

function hint(command: string | null): string {
  return command === null
    ? "Run 'volplan --help' for usage."
    : `Run 'volplan ${command} --help' for usage.`;
}

function stackOf(error: unknown, debug: boolean): string {
  return debug && error instanceof Error && error.stack ? `${error.stack}\n` : "";
}

/**
 * The stderr text for an error that ended a command; `debug` (VOLPLAN_DEBUG=1) adds the stack.
 * Messages quote paths, names and values from manifests, hosts and tools: their control
 * characters are escaped, and the lines of a tool's output quoted in one are indented, so no
 * line of it can pass for a line of volplan's own.
 */
export function errorText(error: unknown, debug: boolean): string {
  const e = (text: string): string => escapeLines(text, "  ");
  if (error instanceof UsageError) return `volplan: ${e(error.message)}\n${hint(error.command)}\n`;
  if (error instanceof UserError) return `volplan: ${e(error.message)}\n`;
  if (error instanceof VolplanError) {
    return `volplan: ${e(error.message)} [${error.code}]\n${stackOf(error, debug)}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `volplan: internal error: ${e(message)}\n${stackOf(error, debug)}`;
}
