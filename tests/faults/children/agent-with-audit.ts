// Child process of store-and-agent-kill.int.test.ts: the real agent (startAgent over the store from
// FNH_DATA_DIR or DATABASE_URL, leases as `npm run agent` picks them) plus a writer that appends one audit
// record at a time. It prints `POLL <node> ok|error` for every stored poll and `AUDIT <username>` only
// after that record's transaction committed, so the parent knows exactly what was acknowledged before it
// kills this process or the database server.
import { loadInventoryFile } from '../../../agents/inventory-file';
import { DEFAULT_LEASE_MS } from '../../../agents/lease/lease-keeper';
import { leaseOptionsFor, parseLeaseMode } from '../../../agents/lease/lease-mode';
import { startAgent } from '../../../agents/poller/start-agent';
import { getDb } from '../../../lib/db';
import { appendAudit } from '../../../lib/audit/store/append';
import { errorMessage } from '../../../lib/errors';

const [inventoryPath, label = 'run'] = process.argv.slice(2);
if (!inventoryPath) throw new Error('usage: agent-with-audit.ts <inventory> [label]');

const db = await getDb();
await startAgent({
  db,
  inventory: loadInventoryFile(inventoryPath),
  lease: leaseOptionsFor(parseLeaseMode('auto'), db.kind, { leaseMs: DEFAULT_LEASE_MS }),
  pool: { connectTimeoutMs: 5_000, backoff: { baseMs: 200, maxMs: 1_000 } },
  poller: { intervalMs: 1_000, pollTimeoutMs: 8_000, concurrency: 8, log: (m) => console.error(`agent: ${m}`) },
  // observe runs after the poll is stored (or its storing failed, which the poller logs)
  observe: (r) => console.log(`POLL ${r.node} ${r.ok ? 'ok' : 'error'}`),
});

let i = 0;
for (;;) {
  const username = `${label}-${++i}`;
  try {
    await db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(),
        actor: { username: 'fault-test', role: 'admin' },
        node: null,
        entry: { type: 'user.signed-in', username, method: 'password' },
      }),
    );
    console.log(`AUDIT ${username}`);
  } catch (err) {
    // Not acknowledged: the parent must not count it, and it may or may not exist.
    console.error(`audit write failed: ${errorMessage(err)}`);
  }
  await new Promise((r) => setTimeout(r, 100));
}
