import type { MetricFamily } from './exposition';

// The store's size and health on /metrics (issue 17): bytes of the database and its WAL, bytes, live and dead
// rows per table, the oldest kept log event and state, the last maintenance runs, and the retention in force.
// Pure: the numbers in (lib/storage/store/storage-stats.ts), the families out.

export interface StorageSnapshot {
  storeBytes: number;
  /** null when the store does not say (PostgreSQL without pg_monitor) */
  walBytes: number | null;
  tables: ReadonlyArray<{ table: string; bytes: number; rows: number; deadRows: number }>;
  oldestEventAt: Date | null;
  oldestHistoryAt: Date | null;
  maintenance: ReadonlyArray<{ task: string; lastRunAt: Date }>;
}

const seconds = (d: Date) => d.getTime() / 1000;

export function buildStorageFamilies(s: StorageSnapshot, retention: Readonly<Record<string, number | null>>): MetricFamily[] {
  const families: MetricFamily[] = [
    { name: 'fnh_store_bytes', help: 'Size of the database (tables and indexes, without WAL).', type: 'gauge', samples: [{ value: s.storeBytes }] },
    {
      name: 'fnh_store_table_bytes',
      help: 'Size of a table with its indexes and TOAST.',
      type: 'gauge',
      samples: s.tables.map((t) => ({ labels: { table: t.table }, value: t.bytes })),
    },
    {
      name: 'fnh_store_table_rows',
      help: 'Live rows of a table (PostgreSQL statistics).',
      type: 'gauge',
      samples: s.tables.map((t) => ({ labels: { table: t.table }, value: t.rows })),
    },
    {
      name: 'fnh_store_table_dead_rows',
      help: 'Dead rows of a table waiting for VACUUM (PostgreSQL statistics).',
      type: 'gauge',
      samples: s.tables.map((t) => ({ labels: { table: t.table }, value: t.deadRows })),
    },
    {
      name: 'fnh_retention_seconds',
      help: 'How long each kind of data is kept (FNH_RETENTION, FNH_RETAIN_*); a kind kept forever has no series.',
      type: 'gauge',
      samples: Object.entries(retention)
        .filter((e): e is [string, number] => e[1] !== null)
        .map(([kind, ms]) => ({ labels: { kind }, value: ms / 1000 })),
    },
    {
      name: 'fnh_maintenance_last_run_timestamp_seconds',
      help: 'When each maintenance task (prune, vacuum, checkpoint) last started, by any agent.',
      type: 'gauge',
      samples: s.maintenance.map((m) => ({ labels: { task: m.task }, value: seconds(m.lastRunAt) })),
    },
  ];
  if (s.walBytes !== null)
    families.push({ name: 'fnh_store_wal_bytes', help: 'Size of the write-ahead log.', type: 'gauge', samples: [{ value: s.walBytes }] });
  if (s.oldestEventAt)
    families.push({
      name: 'fnh_store_oldest_event_timestamp_seconds',
      help: 'Time of the oldest liveness log event kept.',
      type: 'gauge',
      samples: [{ value: seconds(s.oldestEventAt) }],
    });
  if (s.oldestHistoryAt)
    families.push({
      name: 'fnh_store_oldest_state_timestamp_seconds',
      help: 'Time of the oldest state history row kept (the state in effect at the history cutoff).',
      type: 'gauge',
      samples: [{ value: seconds(s.oldestHistoryAt) }],
    });
  return families;
}
