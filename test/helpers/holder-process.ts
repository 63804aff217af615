// Other processes that hold an image (an OFD lock, an open descriptor), as a VM would.
import { execa } from "execa";

/** A helper process that printed "ready"; stop() kills it and waits for it to exit. */
export interface Helper {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `python3 -c code ...args` and waits until it prints "ready" on stdout. */
export async function startPython(code: string, args: readonly string[]): Promise<Helper> {
  const child = execa("python3", ["-c", code, ...args], { timeout: 120_000, reject: false });
  const stop = async () => {
    child.kill("SIGKILL");
    await child;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("ready")) resolve();
      });
      void child.then((r) => reject(new Error(`helper exited early: ${r.stderr}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("helper has no pid");
  return { pid, stop };
}

/** Python that takes a write OFD lock on argv[1], says ready, and waits. */
export const OFD_LOCKER = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
# struct flock: l_type, l_whence, l_start, l_len, l_pid (must be 0 for OFD locks)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
print("ready", flush=True)
sys.stdin.read()
`;

/** Python that opens argv[1] read-only (no lock), says ready, and waits. */
export const OPENER = `
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print("ready", flush=True)
sys.stdin.read()
`;

/** Python that only says ready and waits; its argv is what the caller passes. */
export const IDLER = `
import sys
print("ready", flush=True)
sys.stdin.read()
`;
