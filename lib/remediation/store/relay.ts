import 'server-only';
import { connectionStatusArgv } from '../connection-mode';
import type { RemoteRunResult, RunOptions } from '../ports';
import { getDb, type Db } from '../../db';
import { dispatchPickupMs, insertDispatch, liveLeaseHolders, noLiveHolderReason, readDispatch, statusReadResultSchema } from './dispatch';
import { readNodeEvidence } from './evidence';
import { closeUnpickedDispatch, notTakenWhy } from './relay-batch';
import type { RemediationRuntime } from './runtime';
import { DispatchSignals } from './signals';

// The remediation runtime of a process that runs no agent of its own (FNH_AGENT=off), or whose agent
// shares the fleet through leases: nothing runs here. Evidence and node lookups read the store, as the
// agent's runtime does; runs are stored for each node's lease holder (relay-start.ts); the one
// command a dashboard needs before anything is recorded, the read-only read of the daemon's status that
// chooses a reconnect's commands, is also done by the lease holder and its answer read from the store.

export interface RelayOptions {
  signals: DispatchSignals;
  /** how long the lease holder has to take stored work (tests shorten it) */
  pickupMs?: number;
}

export function relayRuntime(db: Db, opts: RelayOptions): RemediationRuntime {
  return {
    executor: { run: (node, argv, runOpts) => readStatusThroughLeaseHolder(db, node, argv, runOpts, opts) },
    health: {
      evidence: (node, o) => readNodeEvidence(db, node, o ?? {}),
      // Only an agent re-polls; the lease holder does it after the run it executes.
      pollNow: async (node) => {
        throw new Error(`this dashboard polls nothing: the agent holding the lease of ${node} re-polls it after a run`);
      },
      exists: async (node) => (await db.query('select 1 from nodes where name = $1', [node])).rows.length > 0,
    },
    placement: {
      refusal: async (node) => ((await liveLeaseHolders(db, [node])).has(node) ? null : noLiveHolderReason(node)),
    },
  };
}

async function readStatusThroughLeaseHolder(db: Db, node: string, argv: readonly string[], runOpts: RunOptions, opts: RelayOptions): Promise<RemoteRunResult> {
  // The store carries no command: the agent runs its own copy of this fixed, read-only argv.
  if (argv.join('\u0000') !== connectionStatusArgv.join('\u0000')) {
    throw new Error('this dashboard runs no command itself: only the read of the daemon status is asked of the lease holder');
  }
  const pickupMs = opts.pickupMs ?? dispatchPickupMs;
  const holder = (await liveLeaseHolders(db, [node])).get(node);
  if (!holder) throw new Error(noLiveHolderReason(node));
  const id = await db.transaction((tx) => insertDispatch(tx, { kind: 'status-read', node, runId: null, addressedTo: holder, pickupMs }));
  const answered = await opts.signals.waitFor(
    id,
    async () => {
      const d = await readDispatch(db, id);
      return d?.closed_at ? d : undefined;
    },
    { timeoutMs: pickupMs + runOpts.timeoutMs + 2_000 },
  );
  if (!answered) {
    const why = notTakenWhy({ node, addressed_to: holder }, pickupMs);
    if (await closeUnpickedDispatch(db, id, why, new Date(), { pastPickupOnly: false })) throw new Error(why);
    throw new Error(`the agent holding the lease of ${node} (${holder}) took the read but did not answer in time`);
  }
  if (answered.refusal) throw new Error(answered.refusal);
  const result = statusReadResultSchema.safeParse(answered.result);
  if (!result.success) throw new Error(`the lease holder's answer could not be read: ${result.error.issues[0]?.message ?? 'invalid'}`);
  if (!result.data.ok) throw new Error(result.data.error);
  const { exitCode, stdout, stderr, truncated, timedOut } = result.data;
  return { exitCode, stdout, stderr, truncated, timedOut };
}

const signalsHolder = globalThis as unknown as { __fnhDispatchSignals?: DispatchSignals };

/** The process's one LISTEN for answers from lease holders (route handlers share it). */
export function processDispatchSignals(): DispatchSignals {
  signalsHolder.__fnhDispatchSignals ??= new DispatchSignals(() => getDb());
  return signalsHolder.__fnhDispatchSignals;
}
