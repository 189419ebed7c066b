// Callers asking for the same thing while it is being computed share that one computation (issue 13:
// five viewers of the fleet page at once cost one read, not five). With `reuseMs`, an answer is also shared
// by the callers that ask within that long after the moment it was asked for (the caller's clock, `at`):
// a wall screen and the on-call engineers who opened it from an alert, refreshing each on its own, then cost
// one build a second instead of one each. Nothing is kept past that, and a failure is never kept.

export class SingleFlight<T> {
  private readonly flights = new Map<string, { at: number; value: Promise<T>; settled: boolean }>();

  constructor(private readonly opts: { reuseMs?: number } = {}) {}

  /** `at`: the moment this caller asks for (ms); an answer asked for at most `reuseMs` before it is reused */
  run(key: string, compute: () => Promise<T>, at = 0): Promise<T> {
    const held = this.flights.get(key);
    if (held && (!held.settled || this.fresh(held.at, at))) return held.value;
    // answers past their window go, whatever their key: keys (e.g. the ETags viewers send) need not come back
    for (const [k, f] of this.flights) if (f.settled && !this.fresh(f.at, at)) this.flights.delete(k);
    const flight = { at, settled: false, value: compute() };
    this.flights.set(key, flight);
    flight.value.then(
      () => {
        flight.settled = true;
        if (!this.opts.reuseMs && this.flights.get(key) === flight) this.flights.delete(key);
      },
      () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      },
    );
    return flight.value;
  }

  /** how many answers are held or being computed */
  get size(): number {
    return this.flights.size;
  }

  private fresh(answeredAt: number, at: number): boolean {
    return at >= answeredAt && at - answeredAt <= (this.opts.reuseMs ?? 0);
  }
}

/**
 * How long the whole live fleet and the live peer grid answer every viewer alike: a second, against polls every
 * 5 s and ages shown in seconds. Live pages get each change as it is stored over the event stream anyway.
 */
export const LIVE_VIEW_REUSE_MS = 1_000;
