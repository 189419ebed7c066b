import os from 'node:os';
import { connectionStatusArgv } from '../../lib/remediation/connection-mode';
import type { Db } from '../../lib/db/types';
import {
  answerStatusRead,
  closeDispatch,
  dispatchPickupMs,
  openDispatchesFor,
  purgeAnsweredStatusReads,
  REMEDIATION_WORK_CHANNEL,
  takeDispatch,
  type DispatchRow,
  type Picker,
  type StatusReadResult,
} from '../../lib/remediation/store/dispatch';
import { claimRun, executeClaimedRun } from '../../lib/remediation/store/execute';
import { batchIdOfRun, getBatch } from '../../lib/remediation/store/get';
import { statusReadMaxBytes, statusReadTimeoutMs } from '../../lib/remediation/store/node-commands';
import { closeOrphanedIntents } from '../../lib/remediation/store/recover';
import { closeUnpickedDispatch, continueRelayedBatch, expireStaleDispatches } from '../../lib/remediation/store/relay-batch';
import type { RemediationRuntime } from '../../lib/remediation/store/runtime';
import { checkStoredCommands } from './stored-commands';
import { errorMessage } from '../../lib/errors';

// The agent's side of actions from any dashboard: work stored for the nodes whose lease this agent holds
// is taken and done here, over this agent's SSH connections, with the claim, intent, outcome and audit of
// an embedded run (lib/remediation/store/execute.ts). Woken by NOTIFY; a timer checks the store as well, so a lost
// LISTEN only delays work. Each wake-up also closes, for everyone, runs whose agent died (outcome-unknown)
// and work nobody took in time.

export interface RemediationWorkerOptions {
  db: Db;
  agentId: string;
  /** the remediation ports over this agent's SSH pool and poller (lib/remediation/store/agent-runtime.ts) */
  runtime: RemediationRuntime;
  /** the poll fallback: how often the store is checked without a NOTIFY (default 2 s) */
  pollEveryMs?: number;
  /** how long the lease holder of the next node of a batch has to take it */
  pickupMs?: number;
  log?: (message: string) => void;
  clock?: () => Date;
}

export class RemediationWorker {
  private readonly picker: Picker;
  private readonly clock: () => Date;
  private readonly log: (message: string) => void;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private unlisten?: () => Promise<void>;
  private sweeping?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: RemediationWorkerOptions) {
    // The heartbeat of this process carries the same host and pid (lib/lease/store/tick.ts): a run it leaves is orphaned when they lapse.
    this.picker = { agentId: opts.agentId, host: os.hostname(), pid: process.pid };
    this.clock = opts.clock ?? (() => new Date());
    this.log = opts.log ?? ((m) => console.error(m));
  }

  async start(): Promise<void> {
    await this.listen();
    this.kick();
    this.schedule();
  }

  /**
   * Stops taking work and waits up to `drainMs` for runs already taken to record their outcome (the SSH
   * pool and the poller must still be up: stop this before the agent). A run still going after that is
   * closed as outcome-unknown by another process once this one's heartbeat is gone.
   */
  async stop(drainMs = 20_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.unlisten?.().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.allSettled([this.sweeping, ...this.inFlight.values()]);
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
  }

  /** Runs a sweep now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = this.sweep()
      .catch((err: unknown) => this.log(`remediation: checking for work failed: ${errorMessage(err)}`))
      .finally(() => {
        this.sweeping = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (!this.unlisten) void this.listen();
      this.kick();
      this.schedule();
    }, this.opts.pollEveryMs ?? 2_000);
  }

  private async listen(): Promise<void> {
    try {
      this.unlisten = await this.opts.db.listen(
        REMEDIATION_WORK_CHANNEL,
        () => this.kick(),
        (err) => {
          this.unlisten = undefined;
          this.log(
            `remediation: LISTEN ${REMEDIATION_WORK_CHANNEL} lost (${err.message}); checking the store every ${this.opts.pollEveryMs ?? 2_000} ms until it is back`,
          );
        },
      );
    } catch (err) {
      this.unlisten = undefined;
      this.log(`remediation: LISTEN ${REMEDIATION_WORK_CHANNEL} failed (${errorMessage(err)}); checking the store on a timer`);
    }
  }

  private async sweep(): Promise<void> {
    const { db } = this.opts;
    const now = this.clock();
    const closed = await closeOrphanedIntents(db, now);
    if (closed > 0) this.log(`remediation: closed ${closed} run(s) whose agent stopped as outcome-unknown`);
    await expireStaleDispatches(db, now);
    await purgeAnsweredStatusReads(db);
    for (const d of await openDispatchesFor(db, this.opts.agentId)) {
      if (this.stopped || this.inFlight.has(d.id)) continue;
      const work = (d.kind === 'status-read' ? this.readStatus(d) : this.run(d))
        .catch((err: unknown) => this.log(`remediation: ${d.kind} on ${d.node} stopped on an error: ${errorMessage(err)}`))
        .finally(() => this.inFlight.delete(d.id));
      this.inFlight.set(d.id, work);
    }
  }

  /** The read-only status read a dashboard needs to choose a reconnect's commands: this agent's own argv, never the store's. */
  private async readStatus(d: DispatchRow): Promise<void> {
    const { db, runtime } = this.opts;
    if (!(await takeDispatch(db, d.id, this.picker))) return;
    let result: StatusReadResult;
    try {
      const r = await runtime.executor.run(d.node, connectionStatusArgv, { timeoutMs: statusReadTimeoutMs, maxBytes: statusReadMaxBytes });
      result = { ok: true, ...r };
    } catch (err) {
      result = { ok: false, error: errorMessage(err) };
    }
    await answerStatusRead(db, d.id, this.opts.agentId, result);
  }

  private async run(d: DispatchRow): Promise<void> {
    const { db, runtime } = this.opts;
    if (!d.run_id) return;
    const batchId = await batchIdOfRun(db, d.run_id);
    if (!batchId) return;
    const { batch, runs } = await getBatch(db, batchId);
    const run = runs.find((r) => r.id === d.run_id);
    if (!run) return;
    const check = checkStoredCommands(batch.action, batch.params, run.commands);
    if (!check.ok) {
      this.log(`remediation: refusing run ${run.id} on ${run.node}: ${check.why}`);
      await closeUnpickedDispatch(db, d.id, `refused by the agent ${this.opts.agentId}: ${check.why}`, this.clock(), { pastPickupOnly: false });
      return;
    }
    // Taking the work, the claim (one running remediation per node) and the intent commit together.
    const claim = await claimRun(db, runtime, batch, run, this.clock, { within: (tx) => takeDispatch(tx, d.id, this.picker) });
    if (claim.kind === 'gone') return; // another agent took it, it was closed, or the lease moved
    if (claim.kind === 'conflict') {
      await continueRelayedBatch(db, batch.id, claim.run, false, this.clock(), this.opts.pickupMs ?? dispatchPickupMs);
      await closeDispatch(db, d.id);
      return;
    }
    this.log(`remediation: running ${batch.action} on ${run.node} for ${batch.requested_by} (run ${run.id})`);
    const verified = await executeClaimedRun(db, runtime, batch, claim.run, this.clock);
    await closeDispatch(db, d.id);
    await continueRelayedBatch(db, batch.id, claim.run, verified, this.clock(), this.opts.pickupMs ?? dispatchPickupMs);
  }
}
