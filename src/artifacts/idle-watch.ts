// An idle timeout that restarts on every chunk without re-arming a timer per chunk (thousands per download).

/** Tracks how long a reader has been waiting; calls `onIdle` once it waited `ms` for one chunk. */
export interface IdleWatch {
  /** A read starts: the idle clock runs from now. */
  waiting(): void;
  /** A chunk arrived: the clock stops while the consumer works. */
  arrived(): void;
  stop(): void;
}

/** Starts a watch; the single timer re-arms itself for whatever time is left. */
export function watchIdle(ms: number, onIdle: () => void): IdleWatch {
  let since: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const check = (): void => {
    const left = since === null ? ms : ms - (performance.now() - since);
    if (left <= 0) {
      timer = null;
      onIdle();
      return;
    }
    timer = setTimeout(check, left);
  };
  timer = setTimeout(check, ms);
  return {
    waiting: () => {
      since = performance.now();
    },
    arrived: () => {
      since = null;
    },
    stop: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
