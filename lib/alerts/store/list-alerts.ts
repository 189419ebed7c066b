import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import type { AlertRow } from '@/lib/alerts/alerts';
import { alertColumns, pinnedAtSql, toAlertRow } from './alert-rows';

// The alerts page: firing before resolved, newest first (by start, never later than arrival).
export async function listAlerts(opts: { limit?: number; db?: Queryable } = {}): Promise<AlertRow[]> {
  const db = opts.db ?? (await getDb());
  const { rows } = await db.query(`select ${alertColumns} from alerts order by (status = 'firing') desc, ${pinnedAtSql} desc, fingerprint limit $1`, [
    Math.min(opts.limit ?? 500, 2_000),
  ]);
  return rows.map(toAlertRow);
}
