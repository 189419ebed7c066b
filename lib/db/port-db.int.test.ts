import { PGlite } from '@electric-sql/pglite';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbOverPort } from './port-client';
import { serveDbOverPort, type PortHost } from './port-host';
import { PortStoreError } from './port-protocol';
import { wrapPglite } from './pglite';
import type { Db } from './types';

// The store over a MessagePort (the embedded agent's worker thread uses the dashboard's PGlite this way): a real
// in-memory PGlite behind the host, the port client in front, the two ends of a real MessageChannel.

let store: Db;
let host: PortHost;
let db: Db;
let channel: MessageChannel;

beforeAll(async () => {
  const pg = new PGlite();
  await pg.waitReady;
  store = wrapPglite(pg);
  await store.exec(`create table t (id int primary key, name text not null, at timestamptz, doc jsonb, raw bytea)`);
  channel = new MessageChannel();
  host = serveDbOverPort(channel.port1, store, { log: () => undefined });
  db = dbOverPort(channel.port2, store.kind, { log: () => undefined });
});

afterAll(async () => {
  await host.close();
  channel.port1.close();
  await store.close();
});

describe('the store over a MessagePort', () => {
  it('runs queries with parameters and returns rows with dates, json and bytes intact', async () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    await db.query('insert into t (id, name, at, doc, raw) values ($1, $2, $3, $4, $5)', [1, 'one', at, { a: [1, 2] }, new Uint8Array([1, 2, 255])]);
    await db.background!().query('insert into t (id, name) values ($1, $2)', [2, 'two']);
    const { rows } = await db.query<{ id: number; name: string; at: Date | null; doc: unknown; raw: Uint8Array | null }>('select * from t order by id');
    expect(rows.map((r) => r.name)).toEqual(['one', 'two']);
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[0]!.at!.toISOString()).toBe(at.toISOString());
    expect(rows[0]!.doc).toEqual({ a: [1, 2] });
    expect([...rows[0]!.raw!]).toEqual([1, 2, 255]);
    // the host's store sees the same rows
    expect((await store.query<{ n: number }>('select count(*)::int as n from t')).rows[0]!.n).toBe(2);
  });

  it('runs exec with several statements', async () => {
    await db.exec(`create table e (x int); insert into e values (1), (2);`);
    expect((await store.query<{ n: number }>('select sum(x)::int as n from e')).rows[0]!.n).toBe(3);
  });

  it('commits a transaction whose callback resolves, with its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [10, 'ten']);
      const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from t where id = 10');
      return rows[0]!.n;
    });
    expect(result).toBe(1);
    expect((await store.query('select 1 from t where id = 10')).rows).toHaveLength(1);
  });

  it('rolls back a transaction whose callback throws, and the caller sees its own error', async () => {
    const mine = new Error('stop here');
    await expect(
      db.background!().transaction(async (tx) => {
        await tx.query('insert into t (id, name) values ($1, $2)', [20, 'twenty']);
        throw mine;
      }),
    ).rejects.toBe(mine);
    expect((await store.query('select 1 from t where id = 20')).rows).toHaveLength(0);
    expect(host.openTransactions).toBe(0);
  });

  it('rolls back a transaction whose statement fails, with the store error message and SQLSTATE code', async () => {
    const failure = db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [30, 'thirty']);
      await tx.query('insert into t (id, name) values ($1, $2)', [30, 'again']);
    });
    await expect(failure).rejects.toBeInstanceOf(PortStoreError);
    await expect(failure).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key') });
    expect((await store.query('select 1 from t where id = 30')).rows).toHaveLength(0);
  });

  it('carries errors of plain queries: message and code', async () => {
    await expect(db.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01', message: expect.stringContaining('no_such_table') });
    await expect(db.query('insert into t (id) values (1)')).rejects.toMatchObject({ code: '23502' });
  });

  it('delivers NOTIFY to a LISTEN across the port, from both sides, and stops after unlisten', async () => {
    const got: string[] = [];
    const unlisten = await db.listen('fnh_test', (payload) => got.push(payload));
    await store.query(`select pg_notify('fnh_test', 'from the host')`);
    await db.transaction(async (tx) => {
      await tx.query(`select pg_notify('fnh_test', 'from the port')`);
    });
    await expect.poll(() => got).toEqual(['from the host', 'from the port']);
    await unlisten();
    await store.query(`select pg_notify('fnh_test', 'after')`);
    await db.query('select 1'); // a round trip after the notify: it would have arrived before this answer
    expect(got).toEqual(['from the host', 'from the port']);
  });

  it('runs transactions one at a time while statements from both sides interleave around them', async () => {
    await db.exec('create table c (n int)');
    await Promise.all(
      Array.from({ length: 5 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from c');
          await tx.query('insert into c values ($1)', [rows[0]!.n]);
        }),
      ),
    );
    // each transaction saw the rows of the ones before it: 0, 1, 2, 3, 4
    const { rows } = await store.query<{ n: number }>('select n from c order by n');
    expect(rows.map((r) => r.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('rolls back the open transaction when the host side closes, and later requests fail with a message', async () => {
    const ch = new MessageChannel();
    const h = serveDbOverPort(ch.port1, store, { log: () => undefined });
    const client = dbOverPort(ch.port2, store.kind, { log: () => undefined });
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    const running = client.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [40, 'forty']);
      inserted();
      await new Promise((r) => setTimeout(r, 50));
      await tx.query('select 1');
    });
    await insertedP;
    await h.close();
    ch.port1.close();
    await expect(running).rejects.toThrow(/store port/);
    expect((await store.query('select 1 from t where id = 40')).rows).toHaveLength(0);
    await expect(client.query('select 1')).rejects.toThrow(/store port/);
  });
});
