import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startTempPostgres, type TempPostgres } from '../../agents/lease/testing/temp-postgres';
import { loadBundleFolder } from '../../lib/bundle/folder';
import type { Bundle } from '../../lib/bundle/types';
import type { Db } from '../../lib/db';
import { migrate, migrationsDir } from '../../lib/db/migrate';
import { openPostgres } from '../../lib/db/postgres';
import { journalReferenceYear } from '../../lib/model/normalize';
import { parseJournalDetailed } from '../../lib/parse/journal';
import { ensureEventPartitions, listEventPartitions, PARTITION_DAYS_AHEAD } from '../../lib/storage/store/event-partitions';
import { ingestPoll } from '../../lib/ingest/store/poll';
import { startMaintenance } from '../../lib/storage/store/maintenance';
import { pruneExpired } from '../../lib/storage/store/retention-prune';
import { collectStorageSnapshot } from '../../lib/storage/store/storage-stats';
import { dayPartition, parsePartitionName } from '../../lib/storage/event-partitions';
import { retentionFromEnv } from '../../lib/storage/retention-config';

// Issue 17 on PostgreSQL: liveness_events is partitioned by day (migration 052), partitions are made ahead by
// maintenance and retention drops whole days. A real PostgreSQL server (Debian's), a store migrated from a
// version that had the plain table, and the ingest path the agents run.

const DAY = 24 * 3600_000;
const run = postgresAvailable() ? describe : describe.skip;
let pg: TempPostgres;
let db: Db;
const scratch = mkdtempSync(path.join(tmpdir(), 'fnh-partitions-'));

beforeAll(async () => {
  if (!postgresAvailable()) return;
  pg = await startTempPostgres();
  db = await openPostgres(pg.url);
}, 120_000);
afterAll(async () => {
  await db?.close();
  await pg?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
/** which table each row of the log is stored in */
const rowsPerPartition = async () =>
  Object.fromEntries(
    (await db.query<{ t: string; n: number }>(`select tableoid::regclass::text as t, count(*)::int as n from liveness_events group by 1 order by 1`)).rows.map(
      (r) => [r.t, r.n],
    ),
  );

async function insertEvents(node: string, times: readonly Date[], tag: string) {
  await db.query(
    `insert into liveness_events (node, at, level, msg, dedupe_key) select $1, t, 'INFO', 'x', $3 || ordinality from unnest($2::timestamptz[]) with ordinality as t`,
    [node, times, tag],
  );
}

run('liveness_events partitioned by day on PostgreSQL', () => {
  const now = new Date();
  const today = dayPartition(now);

  it('a store migrated with rows keeps every row and id, in a partitioned table', async () => {
    // the store as it was before migration 052
    const before = path.join(scratch, 'migrations-051');
    cpSync(migrationsDir(), before, { recursive: true, filter: (src) => !path.basename(src).startsWith('052_') });
    await migrate(db, before);
    expect(await listEventPartitions(db)).toBeNull();
    await db.query(`insert into nodes (name, host, port, ssh_user) values ('old', '127.0.0.1', 22, 'fnh'), ('n', '127.0.0.1', 22, 'fnh')`);
    await insertEvents('old', [new Date(now.getTime() - 10 * DAY), new Date(now.getTime() - 60_000)], 'old-');
    const rows = (await db.query<{ id: string; dedupe_key: string }>('select id::text, dedupe_key from liveness_events order by id')).rows;

    expect(await migrate(db)).toEqual(['052_liveness_events_partitioned.postgres.sql']);
    expect(await listEventPartitions(db)).toEqual(['liveness_events_default']);
    expect((await db.query<{ id: string; dedupe_key: string }>('select id::text, dedupe_key from liveness_events order by id')).rows).toEqual(rows);
    // the id sequence goes on after the copied rows
    await insertEvents('old', [now], 'after-');
    expect(await count(`select count(*)::int as n from liveness_events where dedupe_key = 'after-1' and id > $1`, [rows.at(-1)!.id])).toBe(1);
    // a node's rows go with it, from every partition
    await db.query(`delete from nodes where name = 'old'`);
    expect(await count('select count(*)::int as n from liveness_events')).toBe(0);
  });

  it('maintenance makes today and the days ahead at start, moving rows the default partition held', async () => {
    await insertEvents('n', [new Date(now.getTime() - 2 * DAY), now], 'early-');
    expect(await rowsPerPartition()).toEqual({ liveness_events_default: 2 });

    const maintenance = startMaintenance({ db, retention: retentionFromEnv({}), schedule: { firstRunAfterMs: 3_600_000 }, log: () => undefined });
    try {
      await expect.poll(() => listEventPartitions(db), { timeout: 15_000 }).toHaveLength(PARTITION_DAYS_AHEAD + 2);
    } finally {
      await maintenance.stop();
    }
    const parts = (await listEventPartitions(db))!;
    expect(parts).toContain(today.name);
    expect(parts).toContain(dayPartition(new Date(now.getTime() + PARTITION_DAYS_AHEAD * DAY)).name);
    expect(await rowsPerPartition()).toEqual({ liveness_events_default: 1, [today.name]: 1 });
    expect(await ensureEventPartitions(db, now)).toEqual([]);
  });

  it('ingest writes a polled line once, whatever partition holds it', async () => {
    const bundle = await loadBundleFolder(path.join(import.meta.dirname, '..', '..', 'fixtures', 'bundles', 'stale-session'));
    const poll = (at: Date) => {
      const b: Bundle = { meta: { node: 'n', collectedAt: at.toISOString() }, sections: bundle.sections };
      const text = b.sections.journal?.stdout ?? '';
      const referenceYear = journalReferenceYear(b.meta.collectedAt);
      const result = parseJournalDetailed(text, referenceYear);
      return { ok: true as const, node: 'n', at, pollMs: 5, bundle: b, events: result.events, journal: { text, referenceYear, result } };
    };
    const before = await count('select count(*)::int as n from liveness_events');
    const at = new Date(now.getTime() - 1000);
    const first = await ingestPoll(db, poll(at));
    expect(first.newEvents).toBeGreaterThan(0);
    expect(await count('select count(*)::int as n from liveness_events')).toBe(before + first.newEvents);
    const again = await ingestPoll(db, poll(new Date(at.getTime() + 500)));
    expect(again.newEvents).toBe(0);
    expect(await count('select count(*)::int as n from liveness_events')).toBe(before + first.newEvents);
  });

  it('retention drops the days wholly past the window and deletes by row only what is past it', async () => {
    await db.query(`delete from liveness_events`);
    // six days back, all with their own partition: rows every 6 hours, and two more in the default partition
    await ensureEventPartitions(db, new Date(now.getTime() - 6 * DAY));
    await ensureEventPartitions(db, new Date(now.getTime() - 3 * DAY));
    const times = Array.from({ length: 6 * 4 + 1 }, (_, i) => new Date(now.getTime() - i * 6 * 3600_000));
    await insertEvents('n', times, 'r-');
    await db.query(
      `insert into liveness_events (node, at, level, msg, dedupe_key) values ('n', $1, 'INFO', 'x', 'ancient'), ('n', $2, 'INFO', 'x', 'future')`,
      [new Date(now.getTime() - 30 * DAY), new Date(now.getTime() + 30 * DAY)],
    );
    expect((await rowsPerPartition()).liveness_events_default).toBe(2);

    const retention = retentionFromEnv({});
    const cutoff = new Date(now.getTime() - retention.events!);
    const kept = times.filter((t) => t >= cutoff).length + 1;
    const partsBefore = (await listEventPartitions(db))!;
    const report = await pruneExpired(db, retention, { now, batchSize: 3 });

    const wholeDaysPast = partsBefore.filter((p) => (parsePartitionName(p)?.to ?? Infinity) <= cutoff);
    expect(wholeDaysPast.length).toBeGreaterThanOrEqual(2);
    expect(report.droppedPartitions).toEqual(wholeDaysPast.sort());
    expect(await listEventPartitions(db)).toEqual(partsBefore.filter((p) => !wholeDaysPast.includes(p)));
    // by row: the cutoff's own day and the ancient line of the default partition; nothing at or after the cutoff
    expect(report.deleted.liveness_events).toBeGreaterThanOrEqual(1);
    expect(await count('select count(*)::int as n from liveness_events where at < $1', [cutoff])).toBe(0);
    expect(await count('select count(*)::int as n from liveness_events')).toBe(kept);
    expect(await count(`select count(*)::int as n from liveness_events where dedupe_key = 'future'`)).toBe(1);

    const again = await pruneExpired(db, retention, { now });
    expect(again.droppedPartitions).toEqual([]);
    expect(again.deleted.liveness_events).toBe(0);
  });

  it('reports the partitioned table with the rows of all its partitions', async () => {
    const total = await count('select count(*)::int as n from liveness_events');
    // Live-row counts are statistics: ANALYZE sets them, but the pool's other backends may still hold counts of the
    // earlier deletes and flush them once idle (PostgreSQL 15: up to 10 s later), which moves the figure again.
    // So each look analyzes anew, until every backend's counts are in.
    await expect
      .poll(
        async () => {
          await db.exec('analyze liveness_events');
          return (await collectStorageSnapshot(db, { kind: 'postgres' })).tables.find((t) => t.table === 'liveness_events');
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toMatchObject({ rows: total });
    const events = (await collectStorageSnapshot(db, { kind: 'postgres' })).tables.find((t) => t.table === 'liveness_events')!;
    expect(events.bytes).toBeGreaterThan(8192 * 3);
  });
});
