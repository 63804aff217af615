// Whether standard output is a terminal, as process.stdout.isTTY says, without its start-up cost.
import { fstatSync } from "node:fs";
import { deviceId } from "../host/device-id.js";

/**
 * True when descriptor 1 is a terminal. node:tty (about 2 ms to load, with node:net and the
 * streams) is loaded only for a character device other than the memory devices (major 1:
 * /dev/null, /dev/zero); pipes, sockets and files are never terminals.
 */
export async function stdoutIsTerminal(): Promise<boolean> {
  let stats;
  try {
    stats = fstatSync(1);
  } catch {
    return false; // a closed descriptor 1 is not a terminal
  }
  if (!stats.isCharacterDevice() || deviceId(stats.rdev).startsWith("1:")) return false;
  const { isatty } = await import("node:tty");
  return isatty(1);
}
