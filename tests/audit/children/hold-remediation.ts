// Child process of crash-between-intent-and-outcome.int.test.ts: opens the embedded store, requests a
// restart of doublezerod on one node and holds the command mid-flight (after the intent is committed),
// then prints `INTENT <audit rows>` and waits to be SIGKILLed. Nothing here closes the store cleanly.
import { openDb } from '../../../lib/db';
import type { UserRow } from '../../../lib/auth/store/users';
import { requestRemediation } from '../../../lib/remediation/store/request';
import { startBatch } from '../../../lib/remediation/store/start';
import { FakeFleet } from '../../support/fake-fleet';

const [dataDir, node] = process.argv.slice(2);
if (!dataDir || !node) throw new Error('usage: hold-remediation.ts <data-dir> <node>');

const operator: UserRow = { id: 'u-crash-operator', username: 'crash-operator', role: 'operator', source: 'local', disabled: false };
const db = await openDb({ dataDir, databaseUrl: '' });
const fleet = new FakeFleet();
fleet.addNode(node, [{ peer: '216.238.110.55', verdict: 'stale-session' }]);
fleet.hold(node);
const rt = fleet.runtime();
const req = await requestRemediation(
  db,
  rt,
  operator,
  { action: 'restart-doublezerod', nodes: [node], reason: 'crash test', idempotencyKey: `crash-${Date.now()}` },
  new Date(),
);
void startBatch(db, rt, req.batch.id, () => new Date());
await fleet.entered(node);
const { rows } = await db.query<{ n: number }>('select count(*)::int as n from audit_log');
console.log(`INTENT ${rows[0]!.n} ${req.batch.id}`);
// Keep the process (and the open store) alive until the parent kills it.
setInterval(() => undefined, 60_000);
