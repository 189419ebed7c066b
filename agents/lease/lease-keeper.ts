import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../lib/db/types';
import { leaseTick } from '../../lib/lease/store/tick';
import { releaseLeases } from '../../lib/lease/store/release';
import { lastSuccessByNode } from '../../lib/ingest/store/last-success';
import { errorMessage } from '../../lib/errors';
import { DEFAULT_LEASE_MS } from '../../lib/settings/settings';

// Keeps this agent's share of the fleet leased: a lease tick every `renewEveryMs` (a third of the
// lease period by default, so two ticks can fail before a lease lapses). The agent polls only the
// nodes the last successful tick returned, and stops polling them all when it cannot renew in time:
// by then another agent may hold them.

export interface LeaseOptions {
  /** stable name in node_leases and /metrics (default host:pid:random) */
  agentId?: string;
  /** how long a lease lasts without renewal: the longest a dead agent's nodes stay unpolled (default 15 s) */
  leaseMs?: number;
  renewEveryMs?: number;
}

export interface LeaseKeeperOptions extends LeaseOptions {
  db: Pick<Db, 'transaction' | 'query'>;
  /** the nodes to poll from now on (sorted), with the stored last success of each */
  onHeld: (nodes: readonly string[], lastSuccess: ReadonlyMap<string, Date>) => void;
  log?: (message: string) => void;
  now?: () => number;
}

export { DEFAULT_LEASE_MS };

export function defaultAgentId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class LeaseKeeper {
  readonly agentId: string;
  readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private held: readonly string[] = [];
  private tickTimer?: NodeJS.Timeout;
  private lapseTimer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.agentId = opts.agentId ?? defaultAgentId();
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewEveryMs = opts.renewEveryMs ?? Math.max(100, Math.floor(this.leaseMs / 3));
    if (this.renewEveryMs >= this.leaseMs) throw new Error(`lease renewal every ${this.renewEveryMs} ms must be shorter than the lease (${this.leaseMs} ms)`);
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((m) => console.error(m));
  }

  /** Runs the first tick (so the agent starts with its share) and keeps ticking. */
  async start(): Promise<void> {
    await this.tick();
  }

  heldNodes(): readonly string[] {
    return this.held;
  }

  /** Stops ticking and gives every lease back, so other agents take the nodes at their next tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.lapseTimer);
    await this.ticking?.catch(() => undefined);
    this.setHeld([], new Map());
    try {
      await releaseLeases(this.opts.db, this.agentId);
    } catch (err) {
      this.log(`lease: releasing leases failed (they expire within ${this.leaseMs} ms): ${errorMessage(err)}`);
    }
  }

  private tick(): Promise<void> {
    const run = async () => {
      // Measured before the transaction: the database sets expiry from a later moment, so this is safe.
      const startedAt = this.now();
      try {
        const result = await leaseTick(this.opts.db, { agentId: this.agentId, leaseMs: this.leaseMs, host: os.hostname(), pid: process.pid });
        if (this.stopped) return;
        const gained = result.held.filter((n) => !this.held.includes(n));
        const lastSuccess = gained.length > 0 ? await this.lastSuccess(gained) : new Map<string, Date>();
        if (this.stopped) return;
        if (gained.length > 0 || result.held.length !== this.held.length) {
          this.log(`lease: ${this.agentId} holds ${result.held.length} nodes (fair share ${result.target} of ${result.liveAgents} live agent(s))`);
        }
        this.setHeld(result.held, lastSuccess);
        this.armLapse(startedAt + this.leaseMs - this.now());
      } catch (err) {
        this.log(`lease: tick failed: ${errorMessage(err)}`);
      }
    };
    this.ticking = run().finally(() => {
      if (!this.stopped) this.tickTimer = setTimeout(() => void this.tick(), this.renewEveryMs);
    });
    return this.ticking;
  }

  /** Without a renewal before the leases run out, stop polling: another agent may have the nodes by then. */
  private armLapse(inMs: number): void {
    clearTimeout(this.lapseTimer);
    this.lapseTimer = setTimeout(
      () => {
        if (this.held.length === 0) return;
        this.log(`lease: could not renew within ${this.leaseMs} ms; polling nothing until the store answers`);
        this.setHeld([], new Map());
      },
      Math.max(0, inMs),
    );
  }

  private setHeld(nodes: readonly string[], lastSuccess: ReadonlyMap<string, Date>): void {
    this.held = nodes;
    this.opts.onHeld(nodes, lastSuccess);
  }

  private lastSuccess(nodes: readonly string[]): Promise<Map<string, Date>> {
    return lastSuccessByNode(this.opts.db, nodes);
  }
}
