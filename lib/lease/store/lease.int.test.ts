import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { leaseTick } from './tick';
import { releaseLeases } from './release';
import { readLeaseHolders } from './holders';

// The lease rules on real SQL (PGlite, one connection: ticks run one after the other). Concurrent
// ticks from separate processes on PostgreSQL are covered by agents/lease/many-agents.int.test.ts.

let db: Db;
const NODES = Array.from({ length: 10 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
const tick = (agentId: string, leaseMs = 60_000) => leaseTick(db, { agentId, leaseMs, host: 'test', pid: 1 });

beforeAll(async () => {
  db = await openMemoryDb();
});
beforeEach(async () => {
  await db.query('delete from agent_heartbeats');
  await db.query('delete from nodes'); // lease rows go with them (cascade)
  for (const name of NODES) await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
});
afterAll(async () => {
  await db.close();
});

describe('leaseTick', () => {
  it('a lone agent takes the whole fleet and keeps it on renewal', async () => {
    expect((await tick('a')).held).toEqual(NODES);
    const again = await tick('a');
    expect(again.held).toEqual(NODES);
    expect(again.liveAgents).toBe(1);
  });

  it('a second agent gets half: the first gives back its excess, the second claims it, and no node has two holders', async () => {
    await tick('a');
    expect((await tick('b')).held).toEqual([]); // nothing free yet
    const a = await tick('a'); // sees two live agents: sheds down to ceil(10/2)
    expect(a.held).toHaveLength(5);
    const b = await tick('b');
    expect(b.held).toHaveLength(5);
    expect([...a.held, ...b.held].sort()).toEqual(NODES);
    // stable afterwards: nobody sheds at the ceiling
    expect((await tick('a')).held).toEqual(a.held);
    expect((await tick('b')).held).toEqual(b.held);
    const holders = await readLeaseHolders(db);
    expect(Object.fromEntries(holders.byAgent)).toEqual({ a: 5, b: 5 });
    expect(holders.unheld).toBe(0);
  });

  it("takes over a dead agent's nodes only after its lease and heartbeat expired", async () => {
    await tick('a', 60_000);
    await tick('b', 3_000);
    await tick('a', 60_000); // a sheds to 5 for b
    const b = await tick('b', 3_000);
    expect(b.held).toHaveLength(5);
    // b dies (no more ticks): until its lease runs out, a may not take its nodes
    expect((await tick('a', 60_000)).held).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 3_100));
    const a = await tick('a', 60_000);
    expect(a.liveAgents).toBe(1);
    expect(a.held).toEqual(NODES);
  });

  it('does not take a live lease even when it is below its share', async () => {
    await tick('a');
    await tick('b');
    await tick('a');
    await tick('b');
    await tick('c'); // three agents: share 4, but every node is held and unexpired
    const c = await tick('c');
    expect(c.held).toEqual([]);
    expect(c.target).toBe(4);
  });

  it('a clean stop gives every lease back and ends the heartbeat, so the next tick of another agent claims them', async () => {
    await tick('a');
    await tick('b');
    await tick('a');
    await tick('b');
    expect(await releaseLeases(db, 'b')).toBe(5);
    const a = await tick('a');
    expect(a.liveAgents).toBe(1);
    expect(a.held).toEqual(NODES);
  });

  it('gives a lease row to a node added later and drops the row of a removed node', async () => {
    await tick('a');
    await db.query(`insert into nodes (name, host, port, ssh_user) values ('node-new', '127.0.0.1', 22, 'fnh')`);
    await db.query(`delete from nodes where name = 'node-00'`);
    const a = await tick('a');
    expect(a.held).toContain('node-new');
    expect(a.held).not.toContain('node-00');
    expect(a.held).toHaveLength(NODES.length);
  });
});
