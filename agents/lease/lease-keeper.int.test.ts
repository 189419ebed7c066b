import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/types';
import { openMemoryDb } from '../../tests/support/memory-db';
import { LeaseKeeper } from './lease-keeper';

// The keeper on real SQL (PGlite) with a store that stops answering: the agent must stop polling
// once its leases may have run out (another agent may hold the nodes by then), pick them up again when
// the store answers, and give everything back on a clean stop.

let db: Db;
let storeDown = false;
const NODES = ['n1', 'n2', 'n3'];

const flakyStore: Pick<Db, 'transaction' | 'query'> = {
  transaction: (fn) => (storeDown ? Promise.reject(new Error('store down')) : db.transaction(fn)),
  query: (sql, params) => (storeDown ? Promise.reject(new Error('store down')) : db.query(sql, params)),
};

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  db = await openMemoryDb();
  for (const name of NODES) await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
});
afterAll(async () => {
  await db.close();
});

describe('LeaseKeeper', () => {
  it('stops polling when it cannot renew in time, resumes when the store is back, releases on stop', async () => {
    const held: string[][] = [];
    const logs: string[] = [];
    const keeper = new LeaseKeeper({
      db: flakyStore,
      agentId: 'keeper-1',
      leaseMs: 900,
      renewEveryMs: 300,
      onHeld: (n) => held.push([...n]),
      log: (m) => logs.push(m),
    });
    await keeper.start();
    expect(held.at(-1)).toEqual(NODES);

    storeDown = true;
    await until('polling to stop', () => held.at(-1)?.length === 0);
    expect(logs.some((l) => l.includes('tick failed'))).toBe(true);
    expect(logs.some((l) => l.includes('could not renew'))).toBe(true);

    storeDown = false;
    await until('the nodes to come back', () => held.at(-1)?.length === NODES.length);

    await keeper.stop();
    expect(held.at(-1)).toEqual([]);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from node_leases where agent_id is not null`);
    expect(rows[0]?.n).toBe(0);
    const { rows: beats } = await db.query<{ n: number }>(`select count(*)::int as n from agent_heartbeats`);
    expect(beats[0]?.n).toBe(0);
  });

  it('refuses a renewal period that is not shorter than the lease', () => {
    expect(() => new LeaseKeeper({ db: flakyStore, leaseMs: 1000, renewEveryMs: 1000, onHeld: () => undefined })).toThrow(/shorter than the lease/);
  });
});
