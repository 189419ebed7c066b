import { SshError } from './errors';
import { DEFAULT_BYTE_BUDGET } from '../../lib/settings/settings';

// The agent's ceiling on reply bytes held in memory at once, across every node and every poll.
// The per-poll cap alone is not enough: concurrency × cap could all arrive together (a node
// printing 1 GB must never hurt the agent, nor must 16 nodes printing 300 MB each). Each reply
// charges its bytes as they arrive and gives them back when its output is handed to the caller
// or thrown away; a chunk that would take the total over the limit fails that reply instead.

// The default ceiling (512 MiB, and why) is the settings schema's: lib/settings/settings.ts.
export { DEFAULT_BYTE_BUDGET, MiB } from '../../lib/settings/settings';

export class ByteBudget {
  private held = 0;
  private highWater = 0;

  constructor(readonly limitBytes: number = DEFAULT_BYTE_BUDGET) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) throw new Error(`byte budget must be a positive integer (got ${limitBytes})`);
  }

  /** Bytes charged by replies still being received. */
  get inFlight(): number {
    return this.held;
  }

  /** The most bytes ever held at once (for tests and the benchmark). */
  get peak(): number {
    return this.highWater;
  }

  /** Starts charging one reply; call `release` once whatever happens to it. */
  open(host: string, command: string): ReplyCharge {
    return new ReplyCharge(this, host, command);
  }

  /** @internal used by ReplyCharge */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    this.highWater = Math.max(this.highWater, this.held);
    return true;
  }

  /** @internal used by ReplyCharge */
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}

/** The bytes one reply holds against the budget. */
export class ReplyCharge {
  private bytes = 0;
  private released = false;

  constructor(
    private readonly budget: ByteBudget,
    private readonly host: string,
    private readonly command: string,
  ) {}

  get charged(): number {
    return this.bytes;
  }

  /** Charges `n` more bytes, or returns the error that fails the reply (nothing is charged then). */
  add(n: number): SshError | undefined {
    if (this.released) return undefined;
    if (this.budget.take(n)) {
      this.bytes += n;
      return undefined;
    }
    const others = this.budget.inFlight - this.bytes;
    return new SshError(
      'output-too-large',
      `reply from ${this.host} stopped at ${this.bytes + n} bytes: the agent's in-flight output budget of ${this.budget.limitBytes} bytes is used up (${others} bytes held by other replies); raise --output-budget-mb or poll fewer large nodes at once`,
      { host: this.host, command: this.command },
    );
  }

  /** Gives every charged byte back (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.give(this.bytes);
    this.bytes = 0;
  }
}
