import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { lastSuccessByNode } from './last-success';

let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
  for (const name of ['polled', 'also-polled', 'never-succeeded']) {
    await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
  }
  await db.query(
    `insert into node_status (node, state, last_success_at) values
       ('polled', 'ok', '2026-12-01T10:00:00Z'), ('also-polled', 'error', '2026-12-01T09:00:00Z'), ('never-succeeded', 'error', null)`,
  );
});
afterAll(() => db.close());

describe('lastSuccessByNode (the poller schedule read by startAgent and the lease keeper)', () => {
  it('gives every node with a success, and leaves out the nodes that never succeeded', async () => {
    const last = await lastSuccessByNode(db);
    expect([...last.entries()].sort()).toEqual([
      ['also-polled', new Date('2026-12-01T09:00:00Z')],
      ['polled', new Date('2026-12-01T10:00:00Z')],
    ]);
  });

  it('narrows the read to the nodes asked for (a lease holder reads only its share)', async () => {
    const last = await lastSuccessByNode(db, ['polled', 'never-succeeded']);
    expect([...last.entries()]).toEqual([['polled', new Date('2026-12-01T10:00:00Z')]]);
    expect((await lastSuccessByNode(db, [])).size).toBe(0);
  });
});
