import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types';
import { AppError } from '../../errors';
import { parseAuditBody } from '../../audit/store/list';
import { verifyAuditLog } from '../../audit/store/verify';
import type { UserRow } from '../../auth/store/users';
import { decideBatch } from './decide';
import { getBatch } from './get';
import { requestRemediation } from './request';
import { startBatch } from './start';
import { FakeFleet } from '../../../tests/support/fake-fleet';
import { openMemoryDb } from '../../../tests/support/memory-db';

// reconnect-daemon against the real store: the node's connection mode, read from its daemon, decides
// the recorded commands; the run re-reads it first and changes nothing if it is no longer the same.

let db: Db;
const fleet = new FakeFleet();
const rt = fleet.runtime();
const clock = () => new Date();
const alice: UserRow = { id: 'u-alice', username: 'alice', role: 'operator', source: 'local', disabled: false };
const carol: UserRow = { id: 'u-carol', username: 'carol', role: 'approver', source: 'local', disabled: false };
const noRoute = [{ peer: '216.238.110.55', verdict: 'no-route' }];
let keyN = 0;
const key = () => `reconnect-${++keyN}-${Date.now()}`;

// GET /status as upstream doublezerod writes it (internal/manager/http.go ServeStatus).
const status = (userType: string) =>
  `${JSON.stringify([{ tunnel_name: 'doublezero0', tunnel_src: '198.18.0.10', tunnel_dst: '64.86.248.128', doublezero_ip: '209.245.228.1', doublezero_status: { session_status: 'BGP Session Up', last_session_update: 1764531382 }, user_type: userType }])}\n`;
const statusRead = 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status';

const reconnect = (node: string) => ({ action: 'reconnect-daemon', nodes: [node], reason: 'doublezero0 gone', idempotencyKey: key() });
const ranOn = (node: string) => fleet.ran.filter((r) => r.node === node).map((r) => r.argv.join(' '));

async function approveAndRun(batchId: string) {
  await decideBatch(db, carol, batchId, { decision: 'approve' }, clock());
  await (
    await startBatch(db, rt, batchId, clock)
  ).completion;
  return getBatch(db, batchId);
}

beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  await db.close();
});

describe('reconnect-daemon keeps the node connection mode', () => {
  it('an -a node: the request records and the run executes `connect ibrl -a`, after re-reading the mode', async () => {
    fleet.addNode('n-alloc', noRoute, { daemonStatus: status('IBRLWithAllocatedIP') });
    const req = await requestRemediation(db, rt, alice, reconnect('n-alloc'), clock());
    expect(req.runs[0]!.commands.map((c) => c.line)).toEqual([statusRead, 'sudo -n doublezero disconnect ibrl', 'sudo -n doublezero connect ibrl -a']);
    const requested = await db.query<{ body: string }>(`select body from audit_log where node = 'n-alloc' and type = 'remediation.requested'`);
    expect(parseAuditBody(requested.rows[0]!.body).entry).toMatchObject({
      commands: [statusRead, 'sudo -n doublezero disconnect ibrl', 'sudo -n doublezero connect ibrl -a'],
    });

    fleet.ran.length = 0;
    const { runs } = await approveAndRun(req.batch.id);
    expect(ranOn('n-alloc')).toEqual([statusRead, 'sudo -n doublezero disconnect ibrl', 'sudo -n doublezero connect ibrl -a']);
    expect(runs[0]!.results?.[0]).toMatchObject({ command: statusRead, exitCode: 0, stdout: expect.stringContaining('IBRLWithAllocatedIP') });
  });

  it('a plain IBRL node gets `connect ibrl`, without -a', async () => {
    fleet.addNode('n-plain', noRoute, { daemonStatus: status('IBRL') });
    const req = await requestRemediation(db, rt, alice, reconnect('n-plain'), clock());
    expect(req.runs[0]!.commands.map((c) => c.line)).toEqual([statusRead, 'sudo -n doublezero disconnect ibrl', 'sudo -n doublezero connect ibrl']);
  });

  it('the mode changed while the request waited for approval: the run stops after the read, nothing changed', async () => {
    fleet.addNode('n-drift', noRoute, { daemonStatus: status('IBRLWithAllocatedIP') });
    const req = await requestRemediation(db, rt, alice, reconnect('n-drift'), clock());
    // someone reconnected the node by hand without -a in the meantime
    fleet.setDaemonStatus('n-drift', status('IBRL'));
    fleet.ran.length = 0;
    const { runs } = await approveAndRun(req.batch.id);
    expect(ranOn('n-drift')).toEqual([statusRead]);
    expect(runs[0]).toMatchObject({
      state: 'failed',
      summary: expect.stringMatching(/stopped before changing anything: the commands were chosen for IBRL with allocated IP, but the node now reports IBRL/),
    });
    const outcome = await db.query<{ body: string }>(`select body from audit_log where node = 'n-drift' and type = 'remediation.outcome'`);
    expect(parseAuditBody(outcome.rows[0]!.body).entry).toMatchObject({
      succeeded: false,
      verification: { verified: false },
      results: [{ command: statusRead }],
    });
  });

  it('refused, with the reason and nothing recorded, when the node cannot say how it is connected', async () => {
    fleet.addNode('n-mcast', noRoute, { daemonStatus: status('Multicast') });
    fleet.addNode('n-down', noRoute);
    for (const [node, reason] of [
      ['n-mcast', /only as Multicast/],
      ['n-down', /curl exit 7/],
    ] as const) {
      const err = await requestRemediation(db, rt, alice, reconnect(node), clock()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('unprocessable');
      expect((err as AppError).message).toMatch(reason);
      expect(ranOn(node).filter((l) => l.startsWith('sudo'))).toEqual([]);
      const audit = await db.query('select 1 from audit_log where node = $1', [node]);
      expect(audit.rows).toHaveLength(0);
    }
  });

  it('in a bulk request, one node that cannot tell refuses the whole request, naming it', async () => {
    fleet.addNode('n-bulk-ok', noRoute, { daemonStatus: status('IBRL') });
    fleet.addNode('n-bulk-bad', noRoute, { daemonStatus: '404 page not found\n' });
    const err = await requestRemediation(db, rt, alice, { ...reconnect('n-bulk-ok'), nodes: ['n-bulk-ok', 'n-bulk-bad'] }, clock()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe('unprocessable');
    expect((err as AppError).details).toEqual([expect.stringMatching(/^n-bulk-bad: Reconnect the daemon refused: could not read the daemon's status/)]);
  });
});
