import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types';
import { appendAudit } from './append';
import { verifyAuditLog } from './verify';
import { openMemoryDb } from '../../../tests/support/memory-db';

let db: Db;
const actor = { username: 'alice', role: 'operator' } as const;
const at = new Date('2026-11-26T05:00:00Z');

beforeAll(async () => {
  db = await openMemoryDb();
  for (let i = 0; i < 5; i++) {
    await db.transaction((tx) => appendAudit(tx, { at, actor, node: 'dfw-mn-bm1', entry: { type: 'user.signed-in', username: `u${i}`, method: 'password' } }));
  }
});
afterAll(() => db.close());

describe('audit_log in the database', () => {
  it('verifies end to end, page by page', async () => {
    expect(await verifyAuditLog(db, { pageSize: 2 })).toMatchObject({ ok: true, count: 5 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE in SQL', async () => {
    await expect(db.query(`update audit_log set actor = 'mallory' where seq = 2`)).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_log where seq = 5')).rejects.toThrow(/append-only/);
    await expect(db.exec('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: 5 });
  });

  it('refuses an insert that does not extend the chain head', async () => {
    await expect(
      db.query(
        `insert into audit_log (seq, at, type, actor, node, prev_hash, hash, body) values (3, 'x', 'user.signed-in', 'mallory', null, repeat('0', 64), 'h', '{}')`,
      ),
    ).rejects.toThrow();
    await expect(
      db.query(
        `insert into audit_log (seq, at, type, actor, node, prev_hash, hash, body) values (6, 'x', 'user.signed-in', 'mallory', null, repeat('0', 64), 'h', '{}')`,
      ),
    ).rejects.toThrow(/does not extend the chain/);
  });

  it('a record written in a transaction that rolls back leaves no trace and no gap', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, { at, actor, node: null, entry: { type: 'user.signed-in', username: 'ghost', method: 'password' } });
        throw new Error('the change it records failed');
      }),
    ).rejects.toThrow();
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: 5 });
  });

  it('names the first bad record when the triggers were bypassed by a superuser', async () => {
    // An attacker with superuser rights can disable triggers; the chain still tells.
    await db.exec('alter table audit_log disable trigger audit_log_no_update_delete');
    await db.query(`update audit_log set body = replace(body, '"u2"', '"u9"') where seq = 3`);
    await db.exec('alter table audit_log enable trigger audit_log_no_update_delete');
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 3, problem: expect.stringMatching(/edited/) });
  });
});
