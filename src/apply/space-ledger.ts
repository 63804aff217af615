// Per host filesystem: space-consuming steps run one at a time in plan order, each after a fresh free-space check.
import { VolplanError } from "../errors.js";
import type { FilesystemBudget } from "../plan/types.js";
import { formatBytes } from "../units/size.js";

/** Serves tickets 0, 1, 2… in order; a ticket may be given back early (its step was skipped). */
class TicketQueue {
  #next = 0;
  readonly #released = new Set<number>();
  readonly #waiters = new Map<number, () => void>();

  turn(ticket: number): Promise<void> {
    if (ticket === this.#next) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.set(ticket, resolve));
  }

  release(ticket: number): void {
    this.#released.add(ticket);
    while (this.#released.has(this.#next)) {
      this.#released.delete(this.#next);
      this.#next += 1;
    }
    const waiter = this.#waiters.get(this.#next);
    if (waiter !== undefined) {
      this.#waiters.delete(this.#next);
      waiter();
    }
  }
}

/** One space-consuming step as the ledger sees it. */
export interface SpaceStep {
  readonly filesystem: string;
  readonly ticket: number;
  readonly bytes: number;
  readonly subject: string;
  /** A path on that filesystem (or below an existing directory there) for statfs. */
  readonly path: string;
}

/** Tracks the host filesystems of one apply run. */
export class SpaceLedger {
  readonly #queues = new Map<string, TicketQueue>();
  readonly #tickets = new Map<string, number>();
  readonly #exhausted = new Map<string, string>();
  readonly #budgets: ReadonlyMap<string, FilesystemBudget>;
  readonly #freeBytes: (path: string) => number | Promise<number>;

  constructor(input: {
    budgets: readonly FilesystemBudget[];
    freeBytes: (path: string) => number | Promise<number>;
  }) {
    this.#budgets = new Map(input.budgets.map((budget) => [budget.id, budget]));
    this.#freeBytes = input.freeBytes;
  }

  /** The next ticket on `filesystem`; call in plan order before any step starts. */
  issue(filesystem: string): number {
    const ticket = this.#tickets.get(filesystem) ?? 0;
    this.#tickets.set(filesystem, ticket + 1);
    if (!this.#queues.has(filesystem)) this.#queues.set(filesystem, new TicketQueue());
    return ticket;
  }

  /** Waits for the step's turn on its filesystem, then checks it still fits; throws NO_SPACE (and stops the filesystem) when not. */
  async begin(step: SpaceStep): Promise<void> {
    await this.#queue(step.filesystem).turn(step.ticket);
    const stopped = this.#exhausted.get(step.filesystem);
    if (stopped !== undefined)
      throw new VolplanError("FILESYSTEM_EXHAUSTED", `skipped: ${stopped}`);
    const budget = this.#budgets.get(step.filesystem);
    const reserve = budget?.reserve ?? 0;
    const free = await this.#freeBytes(step.path);
    if (free < step.bytes + reserve) {
      const where =
        budget === undefined ? step.filesystem : `${step.filesystem} (${budget.mount_point})`;
      const message = `filesystem ${where} ran out of space: ${step.subject} needs ${formatBytes(step.bytes)} plus the ${formatBytes(reserve)} reserve, ${formatBytes(free)} free`;
      this.#exhausted.set(step.filesystem, message);
      throw new VolplanError(
        "NO_SPACE",
        `${message}. Free space there or lower the sizes, then run volplan apply again.`,
      );
    }
  }

  /** Stops every later space-consuming step on `filesystem` (a step hit ENOSPC). */
  exhaust(filesystem: string, message: string): void {
    if (!this.#exhausted.has(filesystem))
      this.#exhausted.set(filesystem, `filesystem ${filesystem} ran out of space: ${message}`);
  }

  /** Gives the turn to the next step on the filesystem; call exactly once per ticket, even for skipped steps. */
  end(filesystem: string, ticket: number): void {
    this.#queue(filesystem).release(ticket);
  }

  #queue(filesystem: string): TicketQueue {
    const queue = this.#queues.get(filesystem);
    if (queue === undefined)
      throw new VolplanError("INTERNAL", `no ticket issued on filesystem ${filesystem}`);
    return queue;
  }
}
