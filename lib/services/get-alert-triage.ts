import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { AppError } from '@/lib/errors';
import type { AlertTriage } from '@/lib/api/alerts';
import { alertColumns, toAlertRow } from './alert-rows';

// What a triage link opens: the latest episode of the fingerprint (resolved or not) and the earlier ones.
export async function getAlertTriage(opts: { fingerprint: string; db?: Queryable }): Promise<AlertTriage> {
  const db = opts.db ?? (await getDb());
  const { rows } = await db.query(`select ${alertColumns} from alerts where fingerprint = $1 order by starts_at desc limit 50`, [opts.fingerprint]);
  const episodes = rows.map(toAlertRow);
  const alert = episodes[0];
  if (!alert) throw new AppError('not_found', `no alert with fingerprint ${opts.fingerprint}`);
  return { alert, episodes };
}
