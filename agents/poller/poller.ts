import { SshError } from '../ssh/errors';
import type { SshPool } from '../ssh/pool';
import { defaultJournalWindow, journalSince, type JournalWindowPolicy } from './journal-window';
import { pollNode, type PolledNode } from './poll-node';
import { Semaphore } from './semaphore';
import type { StoredPollState } from '../../lib/diagnosis/freshness';
import { errorMessage } from '../../lib/errors';
import { DEFAULT_MAX_POLL_OUTPUT_BYTES, DEFAULT_POLL_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from '../../lib/settings/settings';

// Polls every node every `intervalMs`, at most `concurrency` at once, each poll bounded by
// `pollTimeoutMs`: a node that hangs holds one slot for at most that long and never delays
// the schedule of the others. Each node has its own timer; a poll that overruns its interval
// is followed directly by the next one, never by two at once.

// The defaults (poll cadence, parallel polls, per-node deadline, one poll's reply cap) are the settings
// schema's (lib/settings/settings.ts), where both agents read them.
export { DEFAULT_MAX_POLL_OUTPUT_BYTES, DEFAULT_POLL_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from '../../lib/settings/settings';

export type NodePollState = StoredPollState;

export interface NodePollStatus {
  state: NodePollState;
  lastPollAt?: Date;
  lastSuccessAt?: Date;
  pollMs?: number;
  consecutiveFailures: number;
  lastError?: SshError;
}

export type PollResult =
  | { ok: true; node: string; at: Date; pollMs: number; polled: PolledNode }
  | { ok: false; node: string; at: Date; pollMs: number; state: 'error' | 'host-key-changed'; error: SshError };

export interface PollSink {
  /** Stores the outcome; a rejection is logged and does not stop the poller. */
  (result: PollResult): Promise<void>;
}

export interface PollerOptions {
  intervalMs?: number;
  concurrency?: number;
  pollTimeoutMs?: number;
  /** cap on the probe's whole stdout (default DEFAULT_MAX_POLL_OUTPUT_BYTES) */
  maxOutputBytes?: number;
  journal?: JournalWindowPolicy;
  now?: () => number;
  log?: (message: string) => void;
  /** last successful poll per node from the store, so a restarted agent reads only the journal it missed */
  lastSuccess?: ReadonlyMap<string, Date>;
  /** awaited before each poll starts (the embedded agent yields to page reads here); not part of pollMs */
  beforePoll?: () => Promise<void>;
}

interface NodeSlot {
  status: NodePollStatus;
  timer?: NodeJS.Timeout;
  running?: Promise<NodePollStatus>;
  /** a pollNow arrived while a poll was running: run again right after */
  again?: Promise<NodePollStatus>;
}

export class Poller {
  private readonly slots = new Map<string, NodeSlot>();
  private readonly semaphore: Semaphore;
  private readonly opts: Required<PollerOptions>;
  private running = false;
  /** nodes polled on the schedule; undefined = all of them (lease mode narrows it to the leased nodes) */
  private scheduled: ReadonlySet<string> | undefined;

  constructor(
    private readonly pool: SshPool,
    nodes: readonly string[],
    private readonly sink: PollSink,
    opts: PollerOptions = {},
  ) {
    this.opts = {
      intervalMs: opts.intervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      concurrency: opts.concurrency ?? DEFAULT_POLL_CONCURRENCY,
      pollTimeoutMs: opts.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_POLL_OUTPUT_BYTES,
      journal: opts.journal ?? defaultJournalWindow,
      now: opts.now ?? Date.now,
      log: opts.log ?? ((m) => console.error(m)),
      lastSuccess: opts.lastSuccess ?? new Map(),
      beforePoll: opts.beforePoll ?? (() => Promise.resolve()),
    };
    this.semaphore = new Semaphore(this.opts.concurrency);
    this.setNodes(nodes);
  }

  /** Follows an inventory change: new nodes start pending, removed ones stop being polled. */
  setNodes(nodes: readonly string[]): void {
    for (const [name, slot] of this.slots) {
      if (!nodes.includes(name)) {
        clearTimeout(slot.timer);
        this.slots.delete(name);
      }
    }
    nodes.forEach((name, i) => {
      if (this.slots.has(name)) return;
      const lastSuccessAt = this.opts.lastSuccess.get(name);
      this.slots.set(name, { status: { state: 'pending', consecutiveFailures: 0, ...(lastSuccessAt ? { lastSuccessAt } : {}) } });
      if (this.running) this.schedule(name, this.spread(i, nodes.length));
    });
  }

  /**
   * Lease mode: only `names` are polled on the schedule (pollNow still works for any node). Newly added
   * nodes start within one interval, spread out; `lastSuccess` (from the store) lets a node taken over
   * from another agent read only the journal that agent had not read. `undefined` schedules every node.
   */
  setScheduled(names: Iterable<string> | undefined, lastSuccess?: ReadonlyMap<string, Date>): void {
    const previous = this.scheduled;
    this.scheduled = names === undefined ? undefined : new Set(names);
    const gained: string[] = [];
    for (const [name, slot] of this.slots) {
      const was = previous === undefined || previous.has(name);
      const is = this.isScheduled(name);
      if (was && !is) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
      } else if (!was && is) {
        const stored = lastSuccess?.get(name);
        if (stored && (!slot.status.lastSuccessAt || stored > slot.status.lastSuccessAt)) slot.status = { ...slot.status, lastSuccessAt: stored };
        gained.push(name);
      }
    }
    if (this.running) gained.forEach((name, i) => this.schedule(name, this.spread(i, gained.length)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const names = [...this.slots.keys()].filter((name) => this.isScheduled(name));
    // Spread the first polls over one interval so a big fleet does not connect all at once.
    names.forEach((name, i) => this.schedule(name, this.spread(i, names.length)));
  }

  /** Stops scheduling and waits for polls in flight (connections are closed by the pool's owner). */
  async stop(): Promise<void> {
    this.running = false;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
  }

  status(name: string): NodePollStatus {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`unknown node ${JSON.stringify(name)}`);
    return { ...slot.status };
  }

  statuses(): Map<string, NodePollStatus> {
    return new Map([...this.slots].map(([name, s]) => [name, { ...s.status }]));
  }

  /** Polls one node now (e.g. right after a remediation) and resolves with its new status. */
  pollNow(name: string): Promise<NodePollStatus> {
    const slot = this.slots.get(name);
    if (!slot) return Promise.reject(new Error(`unknown node ${JSON.stringify(name)}`));
    if (slot.running) {
      // The poll in flight may have started before the change we want to see: poll once more after it.
      slot.again ??= slot.running.then(() => {
        slot.again = undefined;
        return this.runPoll(name);
      });
      return slot.again;
    }
    return this.runPoll(name);
  }

  private spread(i: number, n: number): number {
    return n <= 1 ? 0 : Math.floor((i * this.opts.intervalMs) / n);
  }

  private isScheduled(name: string): boolean {
    return this.scheduled === undefined || this.scheduled.has(name);
  }

  private schedule(name: string, delayMs: number): void {
    const slot = this.slots.get(name);
    if (!slot || !this.running || !this.isScheduled(name)) return;
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      const started = this.opts.now();
      void this.runPoll(name).finally(() => {
        const elapsed = this.opts.now() - started;
        this.schedule(name, Math.max(0, this.opts.intervalMs - elapsed));
      });
    }, delayMs);
  }

  private runPoll(name: string): Promise<NodePollStatus> {
    const slot = this.slots.get(name);
    if (!slot) return Promise.reject(new Error(`unknown node ${JSON.stringify(name)}`));
    if (slot.running) return slot.running;
    const run = this.semaphore
      .run(() => this.pollOnce(name, slot))
      .finally(() => {
        slot.running = undefined;
      });
    slot.running = run;
    return run;
  }

  private async pollOnce(name: string, slot: NodeSlot): Promise<NodePollStatus> {
    await this.opts.beforePoll();
    const startedMs = this.opts.now();
    const at = new Date(startedMs);
    let result: PollResult;
    try {
      const polled = await withDeadline(
        pollNode(this.pool, name, {
          journalSince: journalSince(startedMs, slot.status.lastSuccessAt?.getTime(), this.opts.journal),
          timeoutMs: this.opts.pollTimeoutMs,
          maxBytes: this.opts.maxOutputBytes,
          now: at,
          clock: this.opts.now,
        }),
        // Connect and probe share the deadline above; this backstop only covers a connect slower than it.
        this.opts.pollTimeoutMs + 1_000,
        () => new SshError('command-timeout', `${name}: poll did not finish within ${this.opts.pollTimeoutMs} ms`, { host: this.pool.address(name) }),
      );
      result = { ok: true, node: name, at, pollMs: this.opts.now() - startedMs, polled };
      slot.status = { state: 'ok', lastPollAt: at, lastSuccessAt: at, pollMs: result.pollMs, consecutiveFailures: 0 };
    } catch (err) {
      const error = err instanceof SshError ? err : new SshError('protocol', `${name}: ${errorMessage(err)}`, { host: this.pool.address(name) });
      const state = this.pool.state(name).status === 'host-key-changed' ? 'host-key-changed' : 'error';
      result = { ok: false, node: name, at, pollMs: this.opts.now() - startedMs, state, error };
      slot.status = {
        state,
        lastPollAt: at,
        ...(slot.status.lastSuccessAt ? { lastSuccessAt: slot.status.lastSuccessAt } : {}),
        pollMs: result.pollMs,
        consecutiveFailures: slot.status.consecutiveFailures + 1,
        lastError: error,
      };
      if (state === 'host-key-changed' && slot.status.consecutiveFailures === 1) this.opts.log(`!!! ${error.message}`);
    }
    try {
      await this.sink(result);
    } catch (err) {
      this.opts.log(`${name}: storing the poll failed: ${errorMessage(err)}`);
    }
    return { ...slot.status };
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
