import 'server-only';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Db } from '../lib/db/types';
import { serveDbOverPort, type PortHost } from '../lib/db/port-host';
import { errorMessage } from '../lib/errors';
import { releaseLeases } from '../lib/lease/store/release';

// Keeps the embedded agent's worker thread running (issue 13: its SSH, parsing and diagnosis off the event loop
// that answers pages). The worker uses this thread's store over a MessagePort (lib/db/port-host.ts). When it exits
// unexpectedly it is started again after a backoff, and the leases of the dead one are given back so the next one
// polls at once; after `maxExits` exits within `windowMs` the supervisor gives up (by default: logs and exits the
// server with code 1, never serving "healthy" data from a dead agent). `stop()` asks the worker to stop cleanly
// (leases released, SSH closed), then ends the thread.

/** What the worker thread is started with (workerData). */
export interface EmbeddedWorkerInit {
  store: MessagePort;
  kind: Db['kind'];
  /** the dashboard thread's count of requests being answered (lib/foreground-activity.ts) */
  foreground: Int32Array;
}

/** Messages the worker sends on its parent port. */
export const workerEventSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), agentId: z.string().optional(), nodes: z.number().int().nonnegative() }),
  z.object({ t: z.literal('stopped') }),
]);
export type WorkerEvent = z.infer<typeof workerEventSchema>;
/** The one message the supervisor sends: stop cleanly. */
export const stopMessage = { t: 'stop' } as const;

export interface RestartPolicy {
  maxExits: number;
  windowMs: number;
  /** delay before the nth restart (n from 1) */
  backoffMs: (n: number) => number;
}

export const defaultRestartPolicy: RestartPolicy = {
  maxExits: 5,
  windowMs: 60_000,
  backoffMs: (n) => Math.min(10_000, 250 * 2 ** (n - 1)),
};

/** After an unexpected exit at `now`: give up, or restart after a delay. `exits` are the earlier exits' times. */
export function restartDecision(
  exits: readonly number[],
  now: number,
  policy: RestartPolicy,
): { giveUp: true; recent: number } | { giveUp: false; recent: number; delayMs: number } {
  const recent = exits.filter((t) => now - t < policy.windowMs).length + 1;
  if (recent >= policy.maxExits) return { giveUp: true, recent };
  return { giveUp: false, recent, delayMs: policy.backoffMs(recent) };
}

export interface SupervisorOptions {
  db: Db;
  /** starts one worker thread of the agent (transfer `init.store`) */
  startWorker: (init: EmbeddedWorkerInit) => Worker;
  foreground: Int32Array;
  policy?: RestartPolicy;
  /** called when the worker keeps dying; default: log and exit the process with code 1 */
  onGiveUp?: (message: string) => void;
  log?: (message: string) => void;
  /** how long a clean stop may take before the thread is terminated */
  stopTimeoutMs?: number;
  now?: () => number;
}

export class EmbeddedAgentSupervisor {
  private worker?: Worker;
  private host?: PortHost;
  private storePort?: MessagePort;
  private agentId?: string;
  private exits: number[] = [];
  private restartTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private starts = 0;
  private readyWaiters: Array<() => void> = [];
  private readonly log: (message: string) => void;
  private readonly policy: RestartPolicy;
  private readonly now: () => number;

  constructor(private readonly opts: SupervisorOptions) {
    this.log = opts.log ?? ((m) => console.error(m));
    this.policy = opts.policy ?? defaultRestartPolicy;
    this.now = opts.now ?? Date.now;
  }

  /** the running worker thread (tests) */
  get current(): Worker | undefined {
    return this.worker;
  }

  /** how many times a worker was started */
  get started(): number {
    return this.starts;
  }

  start(): void {
    this.launch();
  }

  /** resolves when the running (or next) worker reports it is polling */
  ready(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.stopWorker());
  }

  private launch(): void {
    this.restartTimer = undefined;
    if (this.stopping) return;
    const channel = new MessageChannel();
    this.storePort = channel.port1;
    this.host = serveDbOverPort(channel.port1, this.opts.db, { log: this.log });
    this.agentId = undefined;
    let worker: Worker;
    try {
      worker = this.opts.startWorker({ store: channel.port2, kind: this.opts.db.kind, foreground: this.opts.foreground });
    } catch (err) {
      this.log(`agent worker: could not start: ${errorMessage(err)}`);
      void this.exited(undefined, 1);
      return;
    }
    this.starts++;
    this.worker = worker;
    worker.on('message', (message: unknown) => {
      const event = workerEventSchema.safeParse(message);
      if (!event.success || event.data.t !== 'ready') return;
      this.agentId = event.data.agentId;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
    });
    worker.on('error', (err) => this.log(`agent worker: ${err.stack ?? err.message}`));
    worker.once('exit', (code) => void this.exited(worker, code));
  }

  private async exited(worker: Worker | undefined, code: number): Promise<void> {
    if (worker && worker !== this.worker) return;
    this.worker = undefined;
    const deadAgent = this.agentId;
    await this.host?.close();
    this.storePort?.close();
    this.host = undefined;
    if (this.stopping) return;
    // Its nodes go to the next worker at once, not after the lease period; its runs in flight are closed as
    // outcome-unknown by the next one's remediation worker (no live heartbeat).
    if (deadAgent)
      await releaseLeases(this.opts.db, deadAgent).catch((err: unknown) => this.log(`agent worker: releasing its leases failed: ${errorMessage(err)}`));
    const now = this.now();
    const decision = restartDecision(this.exits, now, this.policy);
    this.exits = [...this.exits.filter((t) => now - t < this.policy.windowMs), now];
    if (decision.giveUp) {
      const message = `agent worker: exited ${decision.recent} times within ${this.policy.windowMs / 1000} s (last exit code ${code}); stopping the server rather than serving data no agent updates`;
      (this.opts.onGiveUp ?? giveUpAndExit)(message);
      return;
    }
    this.log(`agent worker: exited with code ${code}; starting it again in ${decision.delayMs} ms`);
    this.restartTimer = setTimeout(() => this.launch(), decision.delayMs);
  }

  private async stopWorker(): Promise<void> {
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage(stopMessage);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.opts.stopTimeoutMs ?? 15_000).unref());
    if ((await Promise.race([gone, timeout])) === 'timeout') {
      this.log('agent worker: did not stop in time; terminating it');
      await worker.terminate();
    }
    await gone;
    await this.host?.close();
    this.storePort?.close();
  }
}

function giveUpAndExit(message: string): void {
  console.error(message);
  process.exit(1);
}
