import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { appendAudit } from './append';
import { allAuditAnchors, archiveAuditPrefix, verifyArchiveText } from './archive';
import { verifyAuditLog } from './verify';
import { openMemoryDb } from '../../../tests/support/memory-db';

// The audit log is never pruned by retention; an admin archives a prefix (npm run audit:archive) and the
// chain still verifies: the store from the anchor on, the archive file on its own and against the anchor.

let db: Db;
const files: string[] = [];
const write = async (text: string) => void files.push(text);

beforeAll(async () => {
  db = await openMemoryDb();
  for (let i = 0; i < 10; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(Date.UTC(2026, 0, 1 + i)),
        actor: { username: 'alice', role: 'admin' },
        node: null,
        entry: { type: 'user.signed-in', username: 'alice', method: 'password' },
      }),
    );
  }
});
afterAll(async () => {
  await db?.close();
});

describe('archiving a prefix of the audit log', () => {
  it('moves records to a file that verifies, and the store verifies from the anchor', async () => {
    const { anchor } = await archiveAuditPrefix(db, { throughSeq: 4, archivedBy: 'root-admin', write });
    expect(anchor).toMatchObject({ seq: 4, records: 4, archivedBy: 'root-admin' });
    const { rows } = await db.query<{ seq: number; type: string }>('select seq::int as seq, type from audit_log order by seq');
    expect(rows.map((r) => r.seq)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    // the archive is in the chain itself
    expect(rows.at(-1)?.type).toBe('audit.archived');
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: 7, archived: { seq: 4 } });
    expect(verifyArchiveText(files[0]!, await allAuditAnchors(db))).toMatchObject({ ok: true, count: 4, through: { seq: 4 }, anchorMatches: true });
  });

  it('a second archive starts where the first ended; both files still verify', async () => {
    await archiveAuditPrefix(db, { throughSeq: 8, archivedBy: 'root-admin', write });
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, archived: { seq: 8 } });
    const anchors = await allAuditAnchors(db);
    expect(verifyArchiveText(files[1]!, anchors)).toMatchObject({ ok: true, count: 4, anchorMatches: true });
    expect(verifyArchiveText(files[0]!, anchors)).toMatchObject({ ok: true, anchorMatches: true });
  });

  it('a tampered archive file is caught, and so is a file that is not the anchored one', async () => {
    const anchors = await allAuditAnchors(db);
    const tampered = files[0]!.replace('"alice"', '"mallory"');
    expect(verifyArchiveText(tampered, anchors)).toMatchObject({ ok: false });
    const reordered = files[1]!.split('\n');
    [reordered[1], reordered[2]] = [reordered[2]!, reordered[1]!];
    expect(verifyArchiveText(reordered.join('\n'), anchors)).toMatchObject({ ok: false });
  });

  it('keeps the head, refuses deleting above the anchor, and never lets anchors change', async () => {
    const head = (await db.query<{ seq: number }>('select max(seq)::int as seq from audit_log')).rows[0]!.seq;
    await expect(archiveAuditPrefix(db, { throughSeq: head, archivedBy: 'root-admin', write })).rejects.toThrow(/newest record/);
    await expect(db.query('delete from audit_log where seq = $1', [head - 1])).rejects.toThrow(/append-only/);
    await expect(db.query('update audit_log set actor = $1 where seq = $2', ['x', head])).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_anchor')).rejects.toThrow(/append-only/);
    await expect(
      db.query(`insert into audit_anchor (seq, hash, archived_by, archive_sha256, records) values ($1, 'forged', 'x', 'x', 1)`, [head - 1]),
    ).rejects.toThrow(/not in the log/);
  });

  it('records missing without an anchor are reported', async () => {
    // only a superuser can do this (the trigger refuses everyone else): the chain still tells
    await db.exec('alter table audit_log disable trigger audit_log_no_update_delete');
    await db.query('delete from audit_log where seq = 9');
    await db.exec('alter table audit_log enable trigger audit_log_no_update_delete');
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, problem: 'records 1 to 9 are missing and no archive anchor covers them' });
  });
});
