import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditBody } from '../../audit/store/list';
import type { Db } from '../../db/types';
import { AppError } from '../../errors';
import { verifyAuditLog } from '../../audit/store/verify';
import type { UserRow } from '../../auth/store/users';
import { decideBatch } from './decide';
import { getBatch } from './get';
import { closeOrphanedIntents } from './recover';
import { requestRemediation } from './request';
import { startBatch } from './start';
import { FakeFleet } from '../../../tests/support/fake-fleet';
import { openMemoryDb } from '../../../tests/support/memory-db';

let db: Db;
const fleet = new FakeFleet();
const rt = fleet.runtime();
const clock = () => new Date();
const alice: UserRow = { id: 'u-alice', username: 'alice', role: 'operator', source: 'local', disabled: false };
const bob: UserRow = { id: 'u-bob', username: 'bob', role: 'operator', source: 'local', disabled: false };
const carol: UserRow = { id: 'u-carol', username: 'carol', role: 'approver', source: 'local', disabled: false };
const victor: UserRow = { id: 'u-victor', username: 'victor', role: 'viewer', source: 'local', disabled: false };
const stale = [{ peer: '216.238.110.55', verdict: 'stale-session' }];
let keyN = 0;
const key = () => `key-${++keyN}-${Date.now()}`;

function restart(node: string, extra: Record<string, unknown> = {}) {
  return { action: 'restart-doublezerod', nodes: [node], reason: 'stale sessions after reconnect', idempotencyKey: key(), ...extra };
}

async function auditTypesFor(node: string): Promise<string[]> {
  const r = await db.query<{ type: string }>('select type from audit_log where node = $1 order by seq', [node]);
  return r.rows.map((x) => x.type);
}

async function expectAppError(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  await db.close();
});

describe('remediation flow against the real store', () => {
  it('restart: intent before the command, outcome after, verified by the re-poll', async () => {
    fleet.addNode('n-restart', stale);
    const req = await requestRemediation(db, rt, alice, restart('n-restart'), clock());
    expect(req.batch.state).toBe('ready');
    const { first, completion } = await startBatch(db, rt, req.batch.id, clock);
    expect(first.kind).toBe('claimed');
    await completion;
    const { batch, runs } = await getBatch(db, req.batch.id);
    expect(batch.state).toBe('done');
    expect(runs[0]).toMatchObject({ state: 'verified', node: 'n-restart' });
    expect(fleet.ran.filter((r) => r.node === 'n-restart').map((r) => r.argv.join(' '))).toEqual(['sudo -n systemctl restart doublezerod']);
    expect(await auditTypesFor('n-restart')).toEqual(['remediation.requested', 'remediation.intent', 'remediation.outcome']);
    const outcome = await db.query<{ body: string }>(`select body from audit_log where node = 'n-restart' and type = 'remediation.outcome'`);
    const rec = parseAuditBody(outcome.rows[0]!.body);
    expect(rec.entry).toMatchObject({
      succeeded: true,
      verification: { verified: true },
      results: [{ command: 'sudo -n systemctl restart doublezerod', exitCode: 0 }],
    });
    expect(rec.actor).toEqual({ username: 'alice', role: 'operator' });
  });

  it('not verified when the verdict stays after the restart', async () => {
    fleet.addNode('n-stubborn', stale);
    fleet.restartClears = false;
    try {
      const req = await requestRemediation(db, rt, alice, restart('n-stubborn'), clock());
      await (
        await startBatch(db, rt, req.batch.id, clock)
      ).completion;
      expect((await getBatch(db, req.batch.id)).runs[0]).toMatchObject({ state: 'not-verified', summary: expect.stringMatching(/still 1 peer/) });
    } finally {
      fleet.restartClears = true;
    }
  });

  it('a failing sudo is recorded with its exit code and stderr, and not re-polled', async () => {
    fleet.addNode('n-nosudo', stale);
    fleet.exitCodeFor = (node) => (node === 'n-nosudo' ? 1 : 0);
    try {
      const req = await requestRemediation(db, rt, alice, restart('n-nosudo'), clock());
      await (
        await startBatch(db, rt, req.batch.id, clock)
      ).completion;
      const run = (await getBatch(db, req.batch.id)).runs[0]!;
      expect(run.state).toBe('failed');
      expect(run.results).toEqual([expect.objectContaining({ exitCode: 1, stderr: 'sudo: a password is required' })]);
    } finally {
      fleet.exitCodeFor = () => 0;
    }
  });

  it('two operators on one node: one runs, the other gets a conflict; both are audited', async () => {
    fleet.addNode('n-busy', stale);
    fleet.hold('n-busy');
    const a = await requestRemediation(db, rt, alice, restart('n-busy'), clock());
    const b = await requestRemediation(db, rt, bob, restart('n-busy'), clock());
    const startedA = await startBatch(db, rt, a.batch.id, clock);
    await fleet.entered('n-busy');
    const startedB = await startBatch(db, rt, b.batch.id, clock);
    expect(startedA.first.kind).toBe('claimed');
    expect(startedB.first).toMatchObject({ kind: 'conflict', heldByRunId: a.runs[0]!.id });
    fleet.release('n-busy');
    await Promise.all([startedA.completion, startedB.completion]);
    expect((await getBatch(db, a.batch.id)).runs[0]!.state).toBe('verified');
    expect((await getBatch(db, b.batch.id)).runs[0]!.state).toBe('conflict');
    expect(fleet.ran.filter((r) => r.node === 'n-busy')).toHaveLength(1);
    const rows = await db.query<{ type: string; actor: string }>(`select type, actor from audit_log where node = 'n-busy' order by seq`);
    expect(rows.rows).toEqual([
      { type: 'remediation.requested', actor: 'alice' },
      { type: 'remediation.requested', actor: 'bob' },
      { type: 'remediation.intent', actor: 'alice' },
      { type: 'remediation.conflict', actor: 'bob' },
      { type: 'remediation.outcome', actor: 'alice' },
    ]);
  });

  it('the same idempotency key runs once (double click, retried request)', async () => {
    fleet.addNode('n-double', stale);
    const body = restart('n-double');
    const [r1, r2] = await Promise.all([requestRemediation(db, rt, alice, body, clock()), requestRemediation(db, rt, alice, body, clock())]);
    expect(r1.batch.id).toBe(r2.batch.id);
    expect([r1.replayed, r2.replayed].sort()).toEqual([false, true]);
    const [s1, s2] = await Promise.all([startBatch(db, rt, r1.batch.id, clock), startBatch(db, rt, r2.batch.id, clock)]);
    expect([s1.first.kind, s2.first.kind].sort()).toEqual(['claimed', 'not-startable']);
    await Promise.all([s1.completion, s2.completion]);
    expect(fleet.ran.filter((r) => r.node === 'n-double')).toHaveLength(1);
    expect((await auditTypesFor('n-double')).filter((t) => t === 'remediation.requested')).toHaveLength(1);
  });

  it('reusing a key for a different request is refused', async () => {
    fleet.addNode('n-reuse', stale);
    const body = restart('n-reuse');
    await requestRemediation(db, rt, alice, body, clock());
    await expectAppError(requestRemediation(db, rt, alice, { ...body, action: 'capture-bundle' }, clock()), 'conflict');
  });

  it('a viewer cannot request; bad parameters never reach a command', async () => {
    fleet.addNode('n-guard', stale);
    await expectAppError(requestRemediation(db, rt, victor, restart('n-guard'), clock()), 'forbidden');
    await expectAppError(
      requestRemediation(db, rt, alice, { ...restart('n-guard'), action: 'interface-up', params: { ifname: 'doublezero0; reboot' } }, clock()),
      'unprocessable',
    );
    await expectAppError(requestRemediation(db, rt, alice, restart('no-such-node'), clock()), 'not_found');
    expect(fleet.ran.filter((r) => r.node === 'n-guard')).toHaveLength(0);
  });

  it('approval: a second person with the approver role, never the requester', async () => {
    fleet.addNode('n-approve', [{ peer: '216.238.110.55', verdict: 'no-route' }]);
    const req = await requestRemediation(
      db,
      rt,
      alice,
      {
        action: 'add-route',
        nodes: ['n-approve'],
        params: { prefix: '216.238.110.55/32', via: '169.254.0.0', ifname: 'doublezero0', src: '209.245.225.161' },
        reason: 'route missing',
        idempotencyKey: key(),
      },
      clock(),
    );
    expect(req.batch.state).toBe('awaiting-approval');
    expect((await startBatch(db, rt, req.batch.id, clock)).first.kind).toBe('not-startable');
    await expectAppError(decideBatch(db, alice, req.batch.id, { decision: 'approve' }, clock()), 'forbidden');
    await expectAppError(decideBatch(db, bob, req.batch.id, { decision: 'approve' }, clock()), 'forbidden');
    const approved = await decideBatch(db, carol, req.batch.id, { decision: 'approve' }, clock());
    expect(approved.batch).toMatchObject({ state: 'approved', decided_by: 'carol' });
    await expectAppError(decideBatch(db, carol, req.batch.id, { decision: 'approve' }, clock()), 'conflict');
    await (
      await startBatch(db, rt, req.batch.id, clock)
    ).completion;
    expect(fleet.ran.filter((r) => r.node === 'n-approve').map((r) => r.argv.join(' '))).toEqual([
      'sudo -n ip route add 216.238.110.55/32 via 169.254.0.0 dev doublezero0 src 209.245.225.161',
    ]);
    expect(await auditTypesFor('n-approve')).toEqual(['remediation.requested', 'remediation.approved', 'remediation.intent', 'remediation.outcome']);
  });

  it('a rejected request never runs', async () => {
    fleet.addNode('n-reject', [{ peer: '1.1.1.1', verdict: 'no-route' }], {
      daemonStatus: '[{"tunnel_name":"doublezero0","doublezero_ip":"198.18.0.10","user_type":"IBRL"}]',
    });
    const req = await requestRemediation(
      db,
      rt,
      alice,
      { action: 'reconnect-daemon', nodes: ['n-reject'], reason: 'no route', idempotencyKey: key() },
      clock(),
    );
    await expectAppError(decideBatch(db, carol, req.batch.id, { decision: 'reject', why: '' }, clock()), 'bad_request');
    const rejected = await decideBatch(db, carol, req.batch.id, { decision: 'reject', why: 'maintenance window tonight' }, clock());
    expect(rejected.runs[0]!.state).toBe('rejected');
    expect((await startBatch(db, rt, req.batch.id, clock)).first.kind).toBe('not-startable');
    // only the read-only status read that chose the commands; nothing that changes the node
    expect(fleet.ran.filter((r) => r.node === 'n-reject' && r.argv[0] === 'sudo')).toHaveLength(0);
  });

  it('bulk goes node by node and stops at the first failure', async () => {
    for (const n of ['b1', 'b2', 'b3']) fleet.addNode(n, stale);
    fleet.exitCodeFor = (node) => (node === 'b2' ? 1 : 0);
    try {
      const req = await requestRemediation(db, rt, alice, { ...restart('b1'), nodes: ['b1', 'b2', 'b3'] }, clock());
      await (
        await startBatch(db, rt, req.batch.id, clock)
      ).completion;
      const { runs } = await getBatch(db, req.batch.id);
      expect(runs.map((r) => [r.node, r.state])).toEqual([
        ['b1', 'verified'],
        ['b2', 'failed'],
        ['b3', 'skipped'],
      ]);
      expect(fleet.ran.filter((r) => r.node.startsWith('b')).map((r) => r.node)).toEqual(['b1', 'b2']);
      expect(await auditTypesFor('b3')).toEqual(['remediation.requested', 'remediation.skipped']);
    } finally {
      fleet.exitCodeFor = () => 0;
    }
  });

  it('a crash between intent and outcome leaves outcome-unknown, appended, never edited', async () => {
    fleet.addNode('n-crash', stale);
    fleet.hold('n-crash');
    const req = await requestRemediation(db, rt, alice, restart('n-crash'), clock());
    const started = await startBatch(db, rt, req.batch.id, clock);
    await fleet.entered('n-crash');
    const intentBefore = await db.query<{ hash: string }>(`select hash from audit_log where node = 'n-crash' and type = 'remediation.intent'`);
    // Not past the deadline yet: a normal sweep leaves it alone.
    expect(await closeOrphanedIntents(db, new Date())).toBe(0);
    // The process "restarts": startup recovery closes every intent without outcome.
    expect(await closeOrphanedIntents(db, new Date(), { startup: true })).toBe(1);
    expect((await getBatch(db, req.batch.id)).runs[0]!.state).toBe('outcome-unknown');
    const intentAfter = await db.query<{ hash: string }>(`select hash from audit_log where node = 'n-crash' and type = 'remediation.intent'`);
    expect(intentAfter.rows).toEqual(intentBefore.rows);
    expect(await auditTypesFor('n-crash')).toEqual(['remediation.requested', 'remediation.intent', 'remediation.outcome-unknown']);
    // the command itself was still in flight; when it returns, its real outcome is appended too
    fleet.release('n-crash');
    await started.completion;
    expect(await auditTypesFor('n-crash')).toEqual(['remediation.requested', 'remediation.intent', 'remediation.outcome-unknown', 'remediation.outcome']);
  });

  it('rate limit: a burst of requests from one user is cut off', async () => {
    fleet.addNode('n-rate', []);
    const dave: UserRow = { id: 'u-dave', username: 'dave', role: 'operator', source: 'local', disabled: false };
    const results = [];
    for (let i = 0; i < 12; i++) {
      results.push(
        await requestRemediation(db, rt, dave, { action: 'capture-bundle', nodes: ['n-rate'], reason: 'capture', idempotencyKey: key() }, clock()).then(
          () => 'ok',
          (e: AppError) => e.code,
        ),
      );
    }
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.slice(10)).toEqual(['rate_limited', 'rate_limited']);
  });
});
