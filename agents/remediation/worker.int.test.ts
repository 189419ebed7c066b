import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/types';
import { AppError } from '../../lib/errors';
import { parseAuditBody } from '../../lib/audit/store/list';
import { verifyAuditLog } from '../../lib/audit/store/verify';
import type { UserRow } from '../../lib/auth/store/users';
import { decideAs, submitAs, type SubmitContext } from '../../lib/remediation/store/api';
import { getBatch } from '../../lib/remediation/store/get';
import { previewRemediation } from '../../lib/remediation/store/preview';
import { relayRuntime } from '../../lib/remediation/store/relay';
import { startRelayedBatch } from '../../lib/remediation/store/relay-start';
import { requestRemediation } from '../../lib/remediation/store/request';
import type { RemediationRuntime } from '../../lib/remediation/store/runtime';
import { DispatchSignals } from '../../lib/remediation/store/signals';
import { FakeFleet } from '../../tests/support/fake-fleet';
import { openMemoryDb } from '../../tests/support/memory-db';
import { RemediationWorker } from './worker';

// Actions from a dashboard that runs no agent, against the real store (PGlite here; the many-machines
// test does it on PostgreSQL with agent processes): the dashboard side is the relay runtime exactly as
// route handlers build it, the agent side the worker with a fake fleet behind its ports. Leases are
// written directly, so who holds what is exact: agent-a (this process, with a worker) holds n1 and n2;
// agent-b has a live heartbeat and holds n3 but runs no worker (it never takes anything); n4 is unheld;
// agent-c (this process again, a worker whose LISTEN never delivers) holds n5.

let db: Db;
let signals: DispatchSignals;
let dashboard: RemediationRuntime;
let ctx: SubmitContext;
const workers: RemediationWorker[] = [];
const fleet = new FakeFleet();
const PICKUP_MS = 1_500;
// One operator per test or two: each may send only FNH_REMEDIATION_RATE_PER_MIN requests a minute.
const operator = (username: string): UserRow => ({ id: `u-${username}`, username, role: 'operator', source: 'local', disabled: false });
const alice = operator('alice');
const bob = operator('bob');
const dora = operator('dora');
const erin = operator('erin');
const carol: UserRow = { id: 'u-carol', username: 'carol', role: 'approver', source: 'local', disabled: false };
const stale = [{ peer: '216.238.110.55', verdict: 'stale-session' }];
let keyN = 0;
const key = () => `relay-${++keyN}-${Date.now()}`;
const restart = (nodes: string[]) => ({ action: 'restart-doublezerod', nodes, reason: 'stale sessions after reconnect', idempotencyKey: key() });
const ibrlStatus = `${JSON.stringify([{ tunnel_name: 'doublezero0', doublezero_ip: '209.245.228.1', user_type: 'IBRLWithAllocatedIP' }])}\n`;

async function holdLeases(agentId: string, pid: number, nodes: string[]): Promise<void> {
  await db.query(
    `insert into agent_heartbeats (agent_id, host, pid, started_at, seen_at, expires_at) values ($1, $2, $3, now(), now(), now() + interval '1 hour')
     on conflict (agent_id) do update set expires_at = excluded.expires_at`,
    [agentId, os.hostname(), pid],
  );
  for (const node of nodes) {
    await db.query(
      `insert into node_leases (node, agent_id, acquired_at, expires_at) values ($1, $2, now(), now() + interval '1 hour')
       on conflict (node) do update set agent_id = excluded.agent_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      [node, agentId],
    );
  }
}

async function auditTypes(node: string): Promise<string[]> {
  return (await db.query<{ type: string }>('select type from audit_log where node = $1 order by seq', [node])).rows.map((r) => r.type);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finished(batchId: string) {
  return until(`batch ${batchId} to finish`, async () => {
    const b = await getBatch(db, batchId);
    return b.batch.state === 'done' && b.runs.every((r) => !['pending', 'running'].includes(r.state)) ? b : undefined;
  });
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  db = await openMemoryDb();
  for (const n of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) {
    await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [n]);
    fleet.addNode(n, stale, { daemonStatus: ibrlStatus });
  }
  await holdLeases('agent-a', process.pid, ['n1', 'n2', 'n6']);
  await holdLeases('agent-b', process.pid + 1, ['n3']);
  await holdLeases('agent-c', process.pid, ['n5']);
  signals = new DispatchSignals(async () => db);
  dashboard = relayRuntime(db, { signals, pickupMs: PICKUP_MS });
  ctx = { clock: () => new Date(), signals, pickupMs: PICKUP_MS };
  const a = new RemediationWorker({ db, agentId: 'agent-a', runtime: fleet.runtime(), pollEveryMs: 60_000, pickupMs: PICKUP_MS, log: () => undefined });
  // LISTEN that never delivers: agent-c finds its work by the poll fallback alone.
  const deaf: Db = { ...db, listen: async () => async () => undefined };
  const c = new RemediationWorker({ db: deaf, agentId: 'agent-c', runtime: fleet.runtime(), pollEveryMs: 300, pickupMs: PICKUP_MS, log: () => undefined });
  workers.push(a, c);
  await a.start();
  await c.start();
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await signals?.close();
  expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  await db?.close();
});

describe('a dashboard without an agent hands actions to the lease holder', () => {
  it('runs on the lease holder, woken by NOTIFY: intent, command, outcome, verified, audited as an embedded run', async () => {
    const { result, conflict } = await submitAs(db, dashboard, alice, restart(['n1']), ctx);
    expect(conflict).toBeUndefined();
    // The answer already knows the first claim, as an embedded start does.
    // Claimed within the pickup time, by NOTIFY: agent-a's poll fallback runs only once a minute.
    expect(result.runs[0]!.state).not.toBe('pending');
    const { runs } = await finished(result.batch.id);
    expect(runs[0]).toMatchObject({ state: 'verified', node: 'n1' });
    // The output the dashboard relays is what the agent wrote after the command.
    expect(runs[0]!.results).toEqual([expect.objectContaining({ command: 'sudo -n systemctl restart doublezerod', exitCode: 0 })]);
    expect(fleet.ran.filter((r) => r.node === 'n1').map((r) => r.argv.join(' '))).toEqual(['sudo -n systemctl restart doublezerod']);
    expect(await auditTypes('n1')).toEqual(['remediation.requested', 'remediation.intent', 'remediation.outcome']);
    const d = await db.query<{ picked_by: string; picked_pid: number; closed_at: Date | null }>(
      `select picked_by, picked_pid, closed_at from remediation_dispatch where run_id = $1`,
      [runs[0]!.id],
    );
    expect(d.rows).toEqual([{ picked_by: 'agent-a', picked_pid: process.pid, closed_at: expect.any(Date) }]);
  });

  it('a bulk request goes node by node through the holder; the same idempotency key never runs twice', async () => {
    const body = restart(['n1', 'n2']);
    const first = await submitAs(db, dashboard, alice, body, ctx);
    const again = await submitAs(db, dashboard, alice, body, ctx);
    expect(again.result.replayed).toBe(true);
    expect(again.result.batch.id).toBe(first.result.batch.id);
    const { runs } = await finished(first.result.batch.id);
    expect(runs.map((r) => [r.node, r.state])).toEqual([
      ['n1', 'verified'],
      ['n2', 'verified'],
    ]);
    expect((await db.query(`select 1 from remediation_dispatch where run_id = any($1::text[])`, [runs.map((r) => r.id)])).rows).toHaveLength(2);
  });

  it('with the LISTEN lost, the holder still takes the work on its timer (poll fallback)', async () => {
    const { result } = await submitAs(db, dashboard, alice, restart(['n5']), ctx);
    const { runs } = await finished(result.batch.id);
    expect(runs[0]!.state).toBe('verified');
    const d = await db.query<{ picked_by: string }>(`select picked_by from remediation_dispatch where run_id = $1`, [runs[0]!.id]);
    expect(d.rows[0]!.picked_by).toBe('agent-c');
  });

  it('two operators on one node through the store: one runs, the other gets the conflict (the one-per-node lock holds)', async () => {
    const seqBefore = (await db.query<{ seq: number }>('select coalesce(max(seq), 0)::int as seq from audit_log')).rows[0]!.seq;
    fleet.hold('n2');
    const a = await submitAs(db, dashboard, alice, restart(['n2']), ctx);
    await fleet.entered('n2');
    const b = await submitAs(db, dashboard, bob, restart(['n2']), ctx);
    expect(b.conflict?.code).toBe('conflict');
    expect(b.result.runs[0]!.state).toBe('conflict');
    fleet.release('n2');
    expect((await finished(a.result.batch.id)).runs[0]!.state).toBe('verified');
    const rows = await db.query<{ type: string; actor: string }>(`select type, actor from audit_log where node = 'n2' and seq > $1 order by seq`, [seqBefore]);
    expect(rows.rows.map((r) => `${r.type} ${r.actor}`)).toEqual([
      'remediation.requested alice',
      'remediation.intent alice',
      'remediation.requested bob',
      'remediation.conflict bob',
      'remediation.outcome alice',
    ]);
  });

  it('an action needing approval runs on the holder once a second person approves it', async () => {
    const req = await submitAs(
      db,
      dashboard,
      dora,
      {
        action: 'add-route',
        nodes: ['n6'],
        params: { prefix: '216.238.110.55/32', via: '169.254.0.0', ifname: 'doublezero0', src: '209.245.225.161' },
        reason: 'route missing',
        idempotencyKey: key(),
      },
      ctx,
    );
    expect(req.result.batch.state).toBe('awaiting-approval');
    await decideAs(db, dashboard, carol, req.result.batch.id, { decision: 'approve' }, ctx);
    const { runs } = await finished(req.result.batch.id);
    expect(runs[0]!.results?.[0]?.command).toBe('sudo -n ip route add 216.238.110.55/32 via 169.254.0.0 dev doublezero0 src 209.245.225.161');
    expect(await auditTypes('n6')).toEqual(['remediation.requested', 'remediation.approved', 'remediation.intent', 'remediation.outcome']);
  });

  it('reconnect reads the node mode through the lease holder at preview and request; without a holder the preview says why', async () => {
    const before = fleet.ran.length;
    const p = await previewRemediation(dashboard, alice, { action: 'reconnect-daemon', nodes: ['n1', 'n4'] });
    expect(p.nodes[0]!.chosenBecause).toMatch(/^connected as IBRL with allocated IP \(DZ IP 209\.245\.228\.1\): will run `doublezero connect ibrl -a`$/);
    expect(p.nodes[0]!.commands.at(-1)).toBe('sudo -n doublezero connect ibrl -a');
    expect(p.nodes[1]!.commands).toEqual([]);
    expect(p.nodes[1]!.refusal).toMatch(/no live agent holds the lease of n4/);
    // the read ran on n1 (by agent-a's worker); nothing ran for n4
    expect(fleet.ran.slice(before).map((r) => r.node)).toEqual(['n1']);
    const req = await submitAs(db, dashboard, dora, { action: 'reconnect-daemon', nodes: ['n1'], reason: 'doublezero0 gone', idempotencyKey: key() }, ctx);
    expect(req.result.runs[0]!.commands.map((c) => c.line).at(-1)).toBe('sudo -n doublezero connect ibrl -a');
  });
});

describe('refusals are fast, clear and audited', () => {
  it('no live agent holds the lease: refused at once, nothing recorded to run, one audit record with the reason', async () => {
    const err = await refusal(submitAs(db, dashboard, erin, restart(['n4']), ctx));
    expect(err.code).toBe('unprocessable');
    expect(err.message).toMatch(/^no live agent holds the lease of n4, and this dashboard runs no agent: nothing was run/);
    expect((await db.query(`select 1 from remediation_runs where node = 'n4'`)).rows).toHaveLength(0);
    const audit = await db.query<{ body: string; actor: string }>(`select body, actor from audit_log where node = 'n4'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor).toBe('erin');
    expect(parseAuditBody(audit.rows[0]!.body).entry).toMatchObject({ type: 'remediation.refused', action: 'restart-doublezerod', why: err.message });
    expect(fleet.ran.filter((r) => r.node === 'n4')).toHaveLength(0);
  });

  it('the preview already says so: no commands for that node, and the reason', async () => {
    const p = await previewRemediation(dashboard, erin, { action: 'restart-doublezerod', nodes: ['n1', 'n4'] });
    expect(p.nodes.map((n) => [n.node, n.commands, n.refusal])).toEqual([
      ['n1', ['sudo -n systemctl restart doublezerod'], undefined],
      ['n4', [], expect.stringMatching(/^no live agent holds the lease of n4/)],
    ]);
  });

  it('a lease whose agent stopped (heartbeat lapsed) counts as no holder', async () => {
    await db.query(`update agent_heartbeats set expires_at = now() - interval '1 second' where agent_id = 'agent-b'`);
    try {
      const err = await refusal(submitAs(db, dashboard, erin, restart(['n3']), ctx));
      expect(err.message).toMatch(/no live agent holds the lease of n3/);
    } finally {
      await db.query(`update agent_heartbeats set expires_at = now() + interval '1 hour' where agent_id = 'agent-b'`);
    }
  });

  it('a live holder that does not take the work: closed after the pickup time, the run skipped with the reason, audited', async () => {
    const started = Date.now();
    const err = await refusal(submitAs(db, dashboard, erin, restart(['n3']), ctx));
    // It waited out the pickup time before giving up (a lower bound: load cannot make it fail).
    expect(Date.now() - started).toBeGreaterThanOrEqual(PICKUP_MS);
    expect(err.message).toBe(`not run: the agent holding the lease of n3 (agent-b) did not take it within ${PICKUP_MS / 1000} s`);
    const batchId = (err.details as { batchId: string }).batchId;
    const { batch, runs } = await getBatch(db, batchId);
    expect(batch.state).toBe('done');
    expect(runs[0]).toMatchObject({ state: 'skipped', summary: err.message });
    expect(await auditTypes('n3')).toEqual(['remediation.refused', 'remediation.requested', 'remediation.skipped']);
  });

  it('the agent runs only what the catalog renders: a tampered stored command is refused there, audited', async () => {
    const req = await requestRemediation(db, dashboard, bob, restart(['n6']), new Date());
    await db.query(`update remediation_runs set commands = $2::jsonb where id = $1`, [
      req.runs[0]!.id,
      JSON.stringify([{ argv: ['sudo', '-n', 'reboot'], line: 'sudo -n reboot' }]),
    ]);
    const ranBefore = fleet.ran.length;
    const started = await startRelayedBatch(db, req.batch.id, () => new Date(), { signals, pickupMs: PICKUP_MS });
    expect(started.first).toMatchObject({
      kind: 'refused',
      why: expect.stringMatching(/^refused by the agent agent-a: the stored commands are not what the catalog renders for restart-doublezerod/),
    });
    expect(fleet.ran.slice(ranBefore)).toEqual([]);
    expect((await auditTypes('n6')).slice(-2)).toEqual(['remediation.requested', 'remediation.skipped']);
  });
});
