import 'server-only';
import { z } from 'zod';
import type { Db } from '@/lib/db';

// Live updates come from the database, not from process memory: ingest NOTIFYs in the poll's own
// transaction (lib/metrics/store/record-poll.ts; delivered on commit, never for a rolled-back poll), and every
// dashboard instance LISTENs. Works on PostgreSQL across machines and on PGlite inside one process.

export const POLL_CHANNEL = 'fnh_poll';

/** The payload is the node name; the listener validates it like any other input. */
const pollPayloadSchema = z.string().min(1).max(255);

/**
 * Calls onNode for each poll committed by any agent; returns the unsubscribe function. onLost: the
 * connection carrying the LISTEN died (listen again to resume; polls committed meanwhile are not replayed).
 */
export async function listenPolls(db: Pick<Db, 'listen'>, onNode: (node: string) => void, onLost?: (err: Error) => void): Promise<() => Promise<void>> {
  return db.listen(
    POLL_CHANNEL,
    (payload) => {
      const parsed = pollPayloadSchema.safeParse(payload);
      if (parsed.success) onNode(parsed.data);
    },
    onLost,
  );
}
