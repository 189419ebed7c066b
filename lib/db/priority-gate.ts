// One operation at a time on the embedded store (PGlite has one connection), with page reads first: a
// read waiting behind the agent's queue of poll writes would wait for all of them. Background work (poll
// ingest, maintenance) still gets its turn after `fairness` foreground operations in a row, so a page that
// is refreshed without pause cannot stop polling.

export type Priority = 'foreground' | 'background';

export class PriorityGate {
  private busy = false;
  private readonly waiting: Record<Priority, Array<() => void>> = { foreground: [], background: [] };
  private foregroundInARow = 0;

  /**
   * `yieldBackground`: awaited by background work before it queues (the embedded agent's writes wait, bounded,
   * while pages are being answered: lib/foreground-activity.ts).
   */
  constructor(
    private readonly fairness = 8,
    private readonly yieldBackground?: () => Promise<void>,
  ) {}

  async run<T>(priority: Priority, fn: () => Promise<T>): Promise<T> {
    if (priority === 'background' && this.yieldBackground) await this.yieldBackground();
    if (this.busy) await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    else this.busy = true;
    try {
      return await fn();
    } finally {
      this.handOver(priority);
    }
  }

  /** operations waiting now, by priority (for tests and the storage page) */
  get queued(): Record<Priority, number> {
    return { foreground: this.waiting.foreground.length, background: this.waiting.background.length };
  }

  private handOver(finished: Priority): void {
    this.foregroundInARow = finished === 'foreground' ? this.foregroundInARow + 1 : 0;
    const backgroundTurn = this.foregroundInARow >= this.fairness && this.waiting.background.length > 0;
    const next = backgroundTurn ? this.waiting.background.shift() : (this.waiting.foreground.shift() ?? this.waiting.background.shift());
    if (next) next();
    else this.busy = false;
  }
}
