import 'server-only';
import type { FleetRow } from '@/lib/fleet/fleet';
import { peerGridDelta, type PeerGridDelta } from '@/lib/peers/peer-grid-delta';
import type { PeerGridResponse } from '@/lib/peers/peer-matrix';
import { DEFAULT_STALE_AFTER_MS } from '@/lib/diagnosis/freshness';
import { getDb, type Queryable } from '@/lib/db';
import { listFleet } from '../../fleet/store/list-fleet';
import { livePeerGrid } from '../../peers/store/list-peer-grid';
import type { PollFanout } from './notify-fanout';

// Live pages get changed rows, not "refetch everything": one LiveRows per dashboard process collects the
// nodes whose polls were committed (the shared LISTEN), and about once a second builds, once for every open
// stream, the fleet rows of those nodes and the peer grid's changed rows (or a reset when its columns moved).
// Nodes whose data turned stale send no poll: a timer finds them, so their rows turn unknown live too.

export interface LiveRowsUpdate {
  fleet: { asOf: string; rows: FleetRow[] } | null;
  peers: PeerGridDelta | null;
}

export interface LiveRowsSubscriber {
  onRows(update: LiveRowsUpdate): void;
}

export interface LiveRowsOptions {
  db?: () => Promise<Queryable>;
  now?: () => Date;
  /** polls committed within this long go out as one update */
  batchMs?: number;
  /** how often nodes that turned stale (no poll to announce them) are looked for */
  staleCheckMs?: number;
}

export class LiveRows {
  private readonly subscribers = new Set<LiveRowsSubscriber>();
  private readonly pending = new Set<string>();
  private unsubscribeFanout?: () => void;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private staleTimer?: ReturnType<typeof setInterval>;
  private lastStaleCheck: Date | undefined;
  private grid: { version: string; grid: PeerGridResponse } | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly fanout: PollFanout,
    private readonly opts: LiveRowsOptions = {},
  ) {}

  async subscribe(subscriber: LiveRowsSubscriber): Promise<() => void> {
    if (this.subscribers.size === 0) await this.start();
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  private async start(): Promise<void> {
    this.unsubscribeFanout ??= await this.fanout.subscribe({
      onPoll: (node) => {
        this.pending.add(node);
        this.flushTimer ??= setTimeout(() => void this.flush(), this.opts.batchMs ?? 1_000);
      },
      onLost: () => {
        // the streams end with the shared LISTEN (notify-event-stream.ts); browsers reconnect and read anew
        this.unsubscribeFanout = undefined;
      },
    });
    this.lastStaleCheck = this.now();
    this.staleTimer ??= setInterval(() => void this.checkStale(), this.opts.staleCheckMs ?? 5_000);
  }

  private stop(): void {
    this.unsubscribeFanout?.();
    this.unsubscribeFanout = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    clearInterval(this.staleTimer);
    this.staleTimer = undefined;
    this.pending.clear();
    this.grid = undefined;
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private async db(): Promise<Queryable> {
    return this.opts.db ? this.opts.db() : getDb();
  }

  // Nodes whose last success crossed the staleness line since the last check.
  private async checkStale(): Promise<void> {
    const now = this.now();
    const since = this.lastStaleCheck ?? now;
    this.lastStaleCheck = now;
    try {
      const db = await this.db();
      const { rows } = await db.query<{ node: string }>(`select node from node_status where last_success_at > $1 and last_success_at <= $2`, [
        new Date(since.getTime() - DEFAULT_STALE_AFTER_MS),
        new Date(now.getTime() - DEFAULT_STALE_AFTER_MS),
      ]);
      for (const r of rows) this.pending.add(r.node);
      if (rows.length > 0) this.flushTimer ??= setTimeout(() => void this.flush(), 0);
    } catch (err) {
      console.error('live rows: stale check failed', err);
    }
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.flushing) {
      // one build at a time; what arrives meanwhile goes out with the next
      this.flushTimer = setTimeout(() => void this.flush(), this.opts.batchMs ?? 1_000);
      return;
    }
    const nodes = [...this.pending];
    this.pending.clear();
    this.flushing = this.build(nodes)
      .then((update) => {
        if (update.fleet || update.peers) for (const s of this.subscribers) s.onRows(update);
      })
      .catch((err: unknown) => console.error('live rows: update failed', err))
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  private async build(nodes: string[]): Promise<LiveRowsUpdate> {
    const db = await this.db();
    const now = this.now();
    const fleet = nodes.length ? await listFleet({ now, db, nodes }) : null;
    const next = await livePeerGrid({ now, db });
    let peers: PeerGridDelta | null = null;
    if (!this.grid) peers = null;
    else if (this.grid.version !== next.version) peers = peerGridDelta(this.grid.grid, this.grid.version, next.grid, next.version);
    this.grid = { version: next.version, grid: next.grid };
    return { fleet: fleet && fleet.nodes.length ? { asOf: fleet.asOf, rows: fleet.nodes } : null, peers };
  }

  get size(): number {
    return this.subscribers.size;
  }
}
