import 'server-only';
import { knownSourceTtlMs, signInLimits, signInWindowMs } from '../sign-in-limits';
import type { Queryable } from '../../db';
import { appendAudit } from '../../audit/store/append';

// The counters behind sign-in limits (migration 023). Every attempt takes its place in a bucket with one
// upsert *before* its password is checked; the count it gets back decides whether it may go on. The
// upsert is atomic on both stores (the row is locked while it is incremented), so 40 parallel requests
// get 40 different counts and only the first ones are checked. A success gives its place back.

export type ThrottleScope = 'source' | 'account-and-source' | 'account-from-new-sources';

const limitOf: Record<ThrottleScope, number> = {
  source: signInLimits.perSource,
  'account-and-source': signInLimits.perAccountAndSource,
  'account-from-new-sources': signInLimits.perAccountFromNewSources,
};

export interface Reservation {
  scope: ThrottleScope;
  bucket: string;
  windowStart: Date;
  /** this attempt's number within the window, itself included */
  attempt: number;
}

function bucketKey(scope: ThrottleScope, username: string, source: string): string {
  // Fields are joined with a character neither usernames nor addresses can hold as their own meaning.
  if (scope === 'source') return `source\n${source}`;
  if (scope === 'account-and-source') return `account-and-source\n${username}\n${source}`;
  return `account-from-new-sources\n${username}`;
}

/** Counts one attempt in its bucket, starting a new window when the last one is over. */
export async function reserveAttempt(db: Queryable, scope: ThrottleScope, username: string, source: string, now: Date): Promise<Reservation> {
  const bucket = bucketKey(scope, username, source);
  const r = await db.query<{ attempts: number; window_start: Date }>(
    `insert into sign_in_throttle as t (bucket, window_start, attempts) values ($1, $2, 1)
     on conflict (bucket) do update set
       attempts = case when t.window_start <= $3 then 1 else t.attempts + 1 end,
       window_start = case when t.window_start <= $3 then excluded.window_start else t.window_start end
     returning attempts, window_start`,
    [bucket, now, new Date(now.getTime() - signInWindowMs)],
  );
  const row = r.rows[0]!;
  return { scope, bucket, windowStart: new Date(row.window_start), attempt: row.attempts };
}

export function overLimit(r: Reservation): boolean {
  return r.attempt > limitOf[r.scope];
}

/** The attempt that first went over its limit: the one that writes the audit record. */
export function justReachedLimit(r: Reservation): boolean {
  return r.attempt === limitOf[r.scope] + 1;
}

export function windowEnd(r: Reservation): Date {
  return new Date(r.windowStart.getTime() + signInWindowMs);
}

/** A successful sign-in gives its place back (in the same window only). */
export async function releaseAttempt(db: Queryable, r: Reservation): Promise<void> {
  await db.query('update sign_in_throttle set attempts = greatest(attempts - 1, 0) where bucket = $1 and window_start = $2', [r.bucket, r.windowStart]);
}

/** After a successful sign-in the account's failures from that address are forgiven. */
export async function clearBucket(db: Queryable, r: Reservation): Promise<void> {
  await db.query('delete from sign_in_throttle where bucket = $1', [r.bucket]);
}

export async function isKnownSource(db: Queryable, username: string, source: string, now: Date): Promise<boolean> {
  const r = await db.query('select 1 from sign_in_known_sources where username = $1 and source = $2 and last_success_at > $3', [
    username,
    source,
    new Date(now.getTime() - knownSourceTtlMs),
  ]);
  return r.rows.length > 0;
}

export async function rememberSource(db: Queryable, username: string, source: string, now: Date): Promise<void> {
  await db.query(
    `insert into sign_in_known_sources (username, source, last_success_at) values ($1, $2, $3)
     on conflict (username, source) do update set last_success_at = greatest(sign_in_known_sources.last_success_at, excluded.last_success_at)`,
    [username, source, now],
  );
}

/** Windows of the unknown-username aggregate are aligned to the clock, so each failure has exactly one. */
export function alignedWindowStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / signInWindowMs) * signInWindowMs);
}

/** One more failed sign-in under a name that does not exist, from `source` (no audit record yet). */
export async function countUnknownUserFailure(db: Queryable, source: string, now: Date): Promise<void> {
  await db.query(
    `insert into sign_in_unknown_failures (source, window_start, failures) values ($1, $2, 1)
     on conflict (source, window_start) do update set failures = sign_in_unknown_failures.failures + 1`,
    [source, alignedWindowStart(now)],
  );
}

/**
 * Turns every closed unknown-username window into its one audit record (in the transaction that removes
 * its counter, so it is written once), then drops counters nobody needs any more. Run at each sign-in.
 */
export async function closeFinishedWindows(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - signInWindowMs);
  await db.transaction(async (tx) => {
    const closed = await tx.query<{ source: string; window_start: Date; failures: number }>(
      'delete from sign_in_unknown_failures where window_start <= $1 returning source, window_start, failures',
      [cutoff],
    );
    for (const w of closed.rows.sort((a, b) => a.window_start.getTime() - b.window_start.getTime() || a.source.localeCompare(b.source))) {
      const start = new Date(w.window_start);
      await appendAudit(tx, {
        at: now,
        actor: { username: 'system', role: 'system' },
        node: null,
        entry: {
          type: 'user.sign-in-failed-unknown',
          source: w.source,
          windowStart: start.toISOString(),
          windowEnd: new Date(start.getTime() + signInWindowMs).toISOString(),
          failures: w.failures,
        },
      });
    }
  });
  await db.query('delete from sign_in_throttle where window_start <= $1', [cutoff]);
  await db.query('delete from sign_in_known_sources where last_success_at <= $1', [new Date(now.getTime() - knownSourceTtlMs)]);
}
