// What a long command says when SIGINT or SIGTERM stops it (what was kept, how to resume), and its exit status.

/** Lines saying what an interrupted piece of work kept; called once, inside the signal handler. */
export type InterruptNote = () => readonly string[];

type Signal = "SIGINT" | "SIGTERM";

/** Exit statuses of an interrupted run: 128 + the signal's number, as a shell reports a killed child. */
export const INTERRUPT_EXIT: Readonly<Record<Signal, number>> = { SIGINT: 130, SIGTERM: 143 };

const notes = new Set<InterruptNote>();
let hooks: { write(text: string): void; exit(code: number): void } | null = null;
let listening = false;

/** Lets notes print and the process exit on a signal; only the entry point calls it, so in-process tests never install handlers. */
export function enableInterruptNotes(input: {
  write(text: string): void;
  exit(code: number): void;
}): void {
  hooks = input;
}

/** Runs `work`; a SIGINT or SIGTERM meanwhile prints `note`'s lines and exits 130 or 143. */
export async function whileInterruptible<T>(
  note: InterruptNote,
  work: () => Promise<T>,
): Promise<T> {
  notes.add(note);
  listen(true);
  try {
    return await work();
  } finally {
    notes.delete(note);
    if (notes.size === 0) listen(false);
  }
}

// Handlers exist only while notes do: a short command keeps the default (die by the signal).
function listen(on: boolean): void {
  if (hooks === null || on === listening) return;
  listening = on;
  for (const signal of Object.keys(INTERRUPT_EXIT) as Signal[]) {
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
}

function onSignal(signal: Signal): void {
  const lines = [...notes].flatMap((note) => {
    try {
      return note();
    } catch (error) {
      return [`(could not tell what was kept: ${(error as Error).message})`];
    }
  });
  const body = lines.length > 0 ? lines : ["nothing was kept that a later run would resume"];
  hooks?.write(`volplan: interrupted by ${signal}\n${body.map((l) => `  ${l}\n`).join("")}`);
  hooks?.exit(INTERRUPT_EXIT[signal]);
}
