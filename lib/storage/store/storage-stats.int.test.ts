import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { renderMetrics } from '../../metrics/store/collect';
import { collectStorageSnapshot } from './storage-stats';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Storage figures (issue 17) on /metrics and the admin page: store bytes, rows and dead rows per table, the
// oldest kept log event, the retention in force.

let db: Db;
const oldest = new Date('2026-11-20T08:00:00.000Z');
beforeAll(async () => {
  db = await openMemoryDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('a', '127.0.0.1', 22, 'fnh'), ('b', '127.0.0.1', 22, 'fnh')`);
  await db.query(
    `insert into liveness_events (node, at, level, msg, dedupe_key)
     select case when g % 2 = 0 then 'a' else 'b' end, $1::timestamptz + g * interval '1 minute', 'INFO', 'x', 'k' || g from generate_series(0, 99) g`,
    [oldest],
  );
  // 40 rewritten rows: dead until VACUUM
  await db.query(`update liveness_events set level = 'WARN' where dedupe_key in (select 'k' || g from generate_series(0, 39) g)`);
});
afterAll(async () => {
  await db?.close();
});

describe('storage figures', () => {
  it('reports rows, dead rows, bytes and the oldest kept event', async () => {
    const s = await collectStorageSnapshot(db, { kind: db.kind });
    const events = s.tables.find((t) => t.table === 'liveness_events');
    expect(events).toMatchObject({ rows: 100, deadRows: 40 });
    expect(events!.bytes).toBeGreaterThan(0);
    expect(s.storeBytes).toBeGreaterThan(events!.bytes);
    expect(s.oldestEventAt).toEqual(oldest);
    await db.exec('vacuum liveness_events');
    expect((await collectStorageSnapshot(db, { kind: db.kind })).tables.find((t) => t.table === 'liveness_events')).toMatchObject({ rows: 100, deadRows: 0 });
  });

  it('puts them on /metrics with the retention in force', async () => {
    const text = await renderMetrics(db);
    expect(text).toMatch(/^fnh_store_bytes \d+/m);
    expect(text).toContain('fnh_store_table_rows{table="liveness_events"} 100');
    expect(text).toContain(`fnh_store_oldest_event_timestamp_seconds ${oldest.getTime() / 1000}`);
    expect(text).toContain('fnh_retention_seconds{kind="events"} 259200');
    expect(text).toContain('fnh_retention_seconds{kind="history"} 2592000');
  });
});
