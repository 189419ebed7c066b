import 'server-only';
import type { Queryable } from '@/lib/db';
import type { EventLike } from '@/lib/diagnosis/sessions';
import { eventFromRow, livenessEventColumns, livenessEventRowSchema } from '../liveness-event-rows';

/** How far back quiet sessions are remembered from the stored log. */
export const SESSION_MEMORY_MS = 24 * 3600_000;

// The stored log the diagnosis reads, the same for ingest, every view and the remediation verifier (one
// input, one function: they cannot disagree).
// Every event inside the window (warning counts), the last event of each session before it (a quiet
// session of the current daemon still exists: the daemon's throttle names one session per 5 s), and the
// last daemon start before it (sessions seen only before a start are gone), without reading a day of warnings.
// Ties at one time go to the greater dedupe key, in code-unit order, as selectSessionEvents does.
export async function loadSessionEvents(tx: Queryable, node: string, at: Date, windowMs: number, memoryMs = SESSION_MEMORY_MS): Promise<EventLike[]> {
  const windowStart = new Date(at.getTime() - windowMs);
  const memoryStart = new Date(at.getTime() - Math.max(memoryMs, windowMs));
  const { rows } = await tx.query(
    `select ${livenessEventColumns} from liveness_events
      where node = $1 and at > $2 and at <= $3
     union all
     select ${livenessEventColumns} from (
       select distinct on (coalesce(interface, ''), coalesce(local_ip, ''), peer_ip)
              ${livenessEventColumns}
         from liveness_events
        where node = $1 and at > $4 and at <= $2 and peer_ip is not null
        order by coalesce(interface, ''), coalesce(local_ip, ''), peer_ip, at desc, dedupe_key collate "C" desc) as last_before_window
     union all
     select ${livenessEventColumns} from (
       select ${livenessEventColumns} from liveness_events
        where node = $1 and at > $4 and at <= $2 and msg in ('liveness: manager starting', 'systemd: daemon started')
        order by at desc, dedupe_key collate "C" desc limit 1) as last_start_before_window`,
    [node, windowStart, at, memoryStart],
  );
  return rows.map((r) => eventFromRow(livenessEventRowSchema.parse(r)));
}

/**
 * What an agent keeps of a node's log between polls (lib/storage/session-event-selection.ts `keepLater`): the
 * selection at `at` plus the events stored with a time after it.
 */
export async function loadSessionEventBase(tx: Queryable, node: string, at: Date, windowMs: number, memoryMs = SESSION_MEMORY_MS): Promise<EventLike[]> {
  const [selected, later] = await Promise.all([
    loadSessionEvents(tx, node, at, windowMs, memoryMs),
    tx.query(`select ${livenessEventColumns} from liveness_events where node = $1 and at > $2`, [node, at]),
  ]);
  return [...selected, ...later.rows.map((r) => eventFromRow(livenessEventRowSchema.parse(r)))];
}
