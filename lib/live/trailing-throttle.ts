// Runs `fn` at most once per `ms`: the first call runs at once, calls during the quiet period collapse
// into one run at its end. Live updates use it so a burst of polls costs one refetch, not hundreds.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function trailingThrottle(fn: () => void, ms: number, timers: Timers = realTimers): { call(): void; cancel(): void } {
  let handle: unknown;
  let pending = false;
  const quietPeriod = () => {
    handle = timers.setTimeout(() => {
      handle = undefined;
      if (pending) {
        pending = false;
        fn();
        quietPeriod();
      }
    }, ms);
  };
  return {
    call() {
      if (handle !== undefined) {
        pending = true;
        return;
      }
      fn();
      quietPeriod();
    },
    cancel() {
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      pending = false;
    },
  };
}
