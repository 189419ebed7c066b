import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { AppError } from '@/lib/errors';
import type { AlertTriage } from '@/lib/alerts/alerts';
import { alertColumns, toAlertRow } from './alert-rows';

const episodesShown = 50;

// What a triage link opens: the episode it names (fingerprint + start), or for a fingerprint-only link the
// latest episode; with every stored episode of the fingerprint. A named episode is never replaced by a
// later one: it is found by its own start or not at all.
export async function getAlertTriage(opts: { fingerprint: string; startsAt?: Date; db?: Queryable }): Promise<AlertTriage> {
  const db = opts.db ?? (await getDb());
  const { rows } = await db.query(`select ${alertColumns} from alerts where fingerprint = $1 order by starts_at desc limit $2`, [
    opts.fingerprint,
    episodesShown,
  ]);
  const episodes = rows.map(toAlertRow);
  if (!opts.startsAt) {
    const latest = episodes[0];
    if (!latest) throw new AppError('not_found', `no alert with fingerprint ${opts.fingerprint}`);
    return { alert: latest, linkNamesEpisode: false, episodes };
  }
  const named = await db.query(`select ${alertColumns} from alerts where fingerprint = $1 and starts_at = $2`, [opts.fingerprint, opts.startsAt]);
  const alert = named.rows[0];
  if (!alert) {
    throw new AppError(
      'not_found',
      `no episode of alert ${opts.fingerprint} started at ${opts.startsAt.toISOString()} is stored (never received, or removed when the alert store reached its bound)`,
    );
  }
  return { alert: toAlertRow(alert), linkNamesEpisode: true, episodes };
}
