// Callers asking for the same thing while it is being computed share that one computation (issue 13:
// five viewers of the fleet page at once cost one read, not five). Nothing is kept once it settles: a
// caller arriving afterwards computes afresh, so no answer is older than the request that waited for it.

export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = compute().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
