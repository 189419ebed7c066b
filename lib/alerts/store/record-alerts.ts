import 'server-only';
import { getDb, type Db, type Queryable } from '@/lib/db';
import type { AlertmanagerPayload } from '@/lib/alerts/alertmanager';
import { boundNotification, type BoundedAlert } from '@/lib/alerts/alert-bounds';
import { mapAlertTarget } from '@/lib/alerts/alert-target';
import { triagePath, type WebhookAnswer } from '@/lib/alerts/alerts';

// Stores the alerts of one Alertmanager notification and answers with a triage link per episode.
// - An episode is (fingerprint, startsAt). A re-sent episode updates its status, end and annotations; its
//   labels, node and peer stay as first stored (the fingerprint is a hash of the labels), so nothing sent
//   later can change what its triage link opens.
// - The store is bounded: per notification (new episodes only: updates of stored ones always apply, so a
//   resolve is never lost), per fingerprint and in total. What goes first: resolved episodes, least
//   recently received; then firing ones Alertmanager has not re-sent for longest (it re-sends firing alerts
//   every repeat_interval, so a live one comes back).

export const alertStoreLimits = { newEpisodesPerNotification: 1_000, episodesPerFingerprint: 50, total: 10_000 };
export type AlertStoreLimits = typeof alertStoreLimits;

/** Which episodes stay when a bound is reached: firing before resolved, then the most recently received. */
const keepOrder = `(status = 'firing') desc, last_received_at desc, starts_at desc`;

const episodeKey = (a: { fingerprint: string; startsAt: Date }) => `${a.fingerprint}@${a.startsAt.getTime()}`;
const count = (n: number) => n.toLocaleString('en-US');

export async function recordAlerts(opts: {
  payload: AlertmanagerPayload;
  now: Date;
  /** FNH_PUBLIC_ORIGIN's first origin; null: answer paths only */
  publicOrigin: string | null;
  db?: Db;
  limits?: Partial<AlertStoreLimits>;
}): Promise<WebhookAnswer> {
  const db = opts.db ?? (await getDb());
  const limits = { ...alertStoreLimits, ...opts.limits };
  const bounded = boundNotification(opts.payload, opts.now);
  return db.transaction(async (tx) => {
    const { rows: inventory } = await tx.query<{ name: string; host: string }>('select name, host from nodes');
    const stored = await storedEpisodes(tx, bounded.alerts);
    // New episodes past the bound are left out, firing ones kept before resolved ones (stable otherwise).
    const admitted = new Set(
      bounded.alerts
        .filter((a) => !stored.has(episodeKey(a)))
        .sort((a, b) => Number(a.status !== 'firing') - Number(b.status !== 'firing'))
        .slice(0, limits.newEpisodesPerNotification)
        .map(episodeKey),
    );
    const kept = bounded.alerts.filter((a) => stored.has(episodeKey(a)) || admitted.has(episodeKey(a)));
    const rows = kept.map((a) => ({ alert: a, target: mapAlertTarget(a.labels, inventory) }));
    await upsertEpisodes(tx, rows, bounded.receiver, opts.now);
    await evictBeyondBounds(tx, [...new Set(kept.map((a) => a.fingerprint))], limits);

    const notStored = bounded.alerts.length - kept.length;
    const notes = [...bounded.notes];
    if (notStored > 0) {
      notes.push(
        `${count(notStored)} new alerts of this notification were not stored (at most ${count(limits.newEpisodesPerNotification)} new episodes per notification); Alertmanager sends firing alerts again every repeat_interval`,
      );
    }
    return {
      stored: kept.length,
      notStored,
      notes,
      alerts: rows.map(({ alert, target }) => {
        const path = triagePath(alert.fingerprint, alert.startsAt);
        return {
          fingerprint: alert.fingerprint,
          startsAt: alert.startsAt.toISOString(),
          status: alert.status,
          node: target.node,
          peer: target.peer,
          triagePath: path,
          triageUrl: opts.publicOrigin ? `${opts.publicOrigin}${path}` : null,
          notes: alert.notes,
        };
      }),
    };
  });
}

async function storedEpisodes(tx: Queryable, alerts: readonly BoundedAlert[]): Promise<Set<string>> {
  if (alerts.length === 0) return new Set();
  const { rows } = await tx.query<{ fingerprint: string; starts_at: Date }>(
    `select a.fingerprint, a.starts_at from alerts a
       join unnest($1::text[], $2::timestamptz[]) as k(fingerprint, starts_at) on a.fingerprint = k.fingerprint and a.starts_at = k.starts_at`,
    [alerts.map((a) => a.fingerprint), alerts.map((a) => a.startsAt.toISOString())],
  );
  return new Set(rows.map((r) => episodeKey({ fingerprint: r.fingerprint, startsAt: r.starts_at })));
}

async function upsertEpisodes(
  tx: Queryable,
  rows: ReadonlyArray<{ alert: BoundedAlert; target: { node: string | null; peer: string | null } }>,
  receiver: string,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const records = rows.map(({ alert, target }) => ({
    fingerprint: alert.fingerprint,
    starts_at: alert.startsAt.toISOString(),
    ends_at: alert.endsAt?.toISOString() ?? null,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    generator_url: alert.generatorUrl,
    node: target.node,
    peer: target.peer,
    notes: alert.notes,
  }));
  // One statement for the whole notification (a 1,000-alert group is one round trip, not 1,000).
  await tx.query(
    `insert into alerts (fingerprint, starts_at, ends_at, status, alertname, labels, annotations, generator_url, receiver,
                         node, peer, first_received_at, last_received_at, notes)
     select r.fingerprint, r.starts_at, r.ends_at, r.status, r.labels->>'alertname', r.labels, r.annotations, r.generator_url, $2::text,
            r.node, r.peer, $3::timestamptz, $3::timestamptz, r.notes
       from jsonb_to_recordset($1::jsonb) as r(fingerprint text, starts_at timestamptz, ends_at timestamptz, status text, labels jsonb,
                                               annotations jsonb, generator_url text, node text, peer text, notes jsonb)
     on conflict (fingerprint, starts_at) do update set
       ends_at = excluded.ends_at, status = excluded.status, annotations = excluded.annotations,
       generator_url = excluded.generator_url, receiver = excluded.receiver,
       node = coalesce(alerts.node, excluded.node), peer = coalesce(alerts.peer, excluded.peer),
       last_received_at = excluded.last_received_at,
       notes = case when alerts.notes = '[]'::jsonb then excluded.notes else alerts.notes end`,
    [JSON.stringify(records), receiver, now],
  );
}

async function evictBeyondBounds(tx: Queryable, fingerprints: readonly string[], limits: AlertStoreLimits): Promise<void> {
  if (fingerprints.length > 0) {
    await tx.query(
      `delete from alerts a using (
         select fingerprint, starts_at, row_number() over (partition by fingerprint order by ${keepOrder}) as keep_rank
           from alerts where fingerprint = any($1::text[])
       ) r
       where a.fingerprint = r.fingerprint and a.starts_at = r.starts_at and r.keep_rank > $2::int`,
      [fingerprints, limits.episodesPerFingerprint],
    );
  }
  const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from alerts');
  if ((rows[0]?.n ?? 0) <= limits.total) return;
  await tx.query(
    `delete from alerts a using (select fingerprint, starts_at from alerts order by ${keepOrder} offset $1::int) r
      where a.fingerprint = r.fingerprint and a.starts_at = r.starts_at`,
    [limits.total],
  );
}
