import 'server-only';
import { getDb } from '@/lib/db';
import { formatDuration, keptFrom, retentionDefaults, retentionKinds } from '@/lib/storage/retention-config';
import { currentRetention } from './retention-settings';
import { collectStorageSnapshot } from './storage-stats';

// What the admin storage page shows: the store's size, each table's size and dead rows, what is kept and
// from when, and when maintenance last ran.
export async function storagePageData(now = new Date()) {
  const db = await getDb();
  const snapshot = await collectStorageSnapshot(db, { kind: db.kind });
  const retention = currentRetention();
  return {
    kind: db.kind,
    snapshot,
    retention: retentionKinds.map((kind) => ({
      kind,
      setting: `FNH_RETAIN_${kind.toUpperCase()}`,
      keptFor: formatDuration(retention[kind]),
      keptFrom: keptFrom(retention, kind, now)?.toISOString() ?? null,
      what: retentionDefaults[kind].what,
    })),
  };
}
