import 'server-only';
import type { Db } from '@/lib/db';
import { ingestPolls, type IngestOptions, type IngestResult, type PollOutcome } from './poll';

// The agent's polls reach the store through this queue, which stores them in batches (ingestPolls): on the
// embedded PGlite store each statement and each commit costs a round trip through the one connection, and at
// 1,000 nodes one transaction per poll kept that connection busy a large part of the time, so page reads
// waited. Polls that finish while a batch is written wait for the next one; a short linger lets polls
// finishing close together share a batch. Batches are sized so a write holds the store for about
// `targetWriteMs` (from how long the last writes took per poll), never more than `maxBatch` polls. PGlite has
// one connection, so one batch is written at a time; PostgreSQL's pool takes `writers` batches at once (one
// writer there made a first poll of 1,000 nodes wait for each batch's round trips in turn).

export interface IngestQueueOptions extends Omit<IngestOptions, 'observeWrite'> {
  /** how long the first poll of a batch waits for others (default 50 ms) */
  lingerMs?: number;
  /** the write transaction's intended length: bounds how long a page read waits behind ingest (default 40 ms) */
  targetWriteMs?: number;
  maxBatch?: number;
  /** batches written at once (default 1: the embedded store's one connection) */
  writers?: number;
}

interface Waiting {
  outcome: PollOutcome;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export class IngestQueue {
  private waiting: Waiting[] = [];
  private writing = 0;
  /** callers of idle(), woken when the last writer finishes */
  private readonly idleWaiters: Array<() => void> = [];
  /** moving average of one poll's share of a write transaction (starts high: a first poll writes the most) */
  private msPerPoll = 10;
  private readonly lingerMs: number;
  private readonly targetWriteMs: number;
  private readonly maxBatch: number;
  private readonly writers: number;
  private readonly ingest: IngestOptions;

  constructor(
    private readonly db: Pick<Db, 'transaction' | 'query' | 'exec'>,
    opts: IngestQueueOptions = {},
  ) {
    const { lingerMs = 50, targetWriteMs = 40, maxBatch = 64, writers = 1, ...ingest } = opts;
    this.lingerMs = lingerMs;
    this.targetWriteMs = targetWriteMs;
    this.maxBatch = maxBatch;
    this.writers = Math.max(1, writers);
    this.ingest = { ...ingest, observeWrite: (ms, polls) => this.observe(ms, polls) };
  }

  /** Stores the poll with the next batch; settles as its own ingest would. */
  submit(outcome: PollOutcome): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ outcome, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.writing >= this.writers) return;
    this.writing++;
    void this.drain().finally(() => {
      this.writing--;
      // a poll submitted after the drain's last look at the queue
      if (this.waiting.length > 0) this.kick();
      if (this.writing === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /** polls per batch now: what fits the intended write length at the recent cost per poll */
  get batchSize(): number {
    return Math.max(1, Math.min(this.maxBatch, Math.floor(this.targetWriteMs / this.msPerPoll)));
  }

  /** Resolves once every poll submitted so far is stored (or failed). */
  idle(): Promise<void> {
    if (this.writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    if (this.lingerMs > 0) await new Promise((r) => setTimeout(r, this.lingerMs));
    while (this.waiting.length > 0) {
      const batch = this.takeBatch();
      try {
        const settled = await ingestPolls(
          this.db,
          batch.map((w) => w.outcome),
          this.ingest,
        );
        settled.forEach((s, i) => (s.status === 'fulfilled' ? batch[i]!.resolve(s.value) : batch[i]!.reject(s.reason)));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  /** the oldest waiting polls, one per node (a node's next poll waits for the batch after) */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const nodes = new Set<string>();
    const rest: Waiting[] = [];
    const size = this.batchSize;
    for (const w of this.waiting) {
      if (batch.length < size && !nodes.has(w.outcome.node)) {
        nodes.add(w.outcome.node);
        batch.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    return batch;
  }

  private observe(ms: number, polls: number): void {
    const perPoll = ms / Math.max(1, polls);
    this.msPerPoll = 0.7 * this.msPerPoll + 0.3 * perPoll;
  }
}
