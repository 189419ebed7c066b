import 'server-only';
import type { Queryable } from '@/lib/db';

/**
 * When each node was last polled successfully (node_status, written by ingest), for the poller's schedule: a
 * node polled recently waits out its interval instead of being polled again at once. `nodes` narrows the read
 * to those nodes (a lease holder's share); without it, every node the store knows.
 */
export async function lastSuccessByNode(db: Pick<Queryable, 'query'>, nodes?: readonly string[]): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ node: string; last_success_at: Date }>(
    'select node, last_success_at from node_status where last_success_at is not null and ($1::text[] is null or node = any($1::text[]))',
    [nodes ?? null],
  );
  return new Map(rows.map((r) => [r.node, new Date(r.last_success_at)]));
}
