import 'server-only';
import { z } from 'zod';
import type { Queryable } from '@/lib/db';
import type { StableNodeState } from '@/lib/model/node-state';

export interface NodeStateAt {
  /** when this state was first seen (it held from then until the next change) */
  since: Date;
  hash: string;
  state: StableNodeState;
}

// The stored JSON is our own canonical StableNodeState; check its shape before trusting it.
const storedStateSchema = z.looseObject({
  links: z.array(z.looseObject({ ifname: z.string() })),
  addresses: z.array(z.looseObject({ ifname: z.string(), local: z.string() })),
  routes: z.array(z.looseObject({ text: z.string() })),
  rules: z.array(z.looseObject({ priority: z.number(), text: z.string() })),
  firewall: z.looseObject({ chains: z.array(z.unknown()), rules: z.array(z.unknown()) }).nullable(),
  daemon: z.looseObject({ unitState: z.string().nullable(), sessions: z.array(z.unknown()).nullable() }),
});

/** The node's normalized state as it was at `at` (null when nothing was recorded by then). */
export async function loadNodeStateAt(db: Queryable, node: string, at: Date): Promise<NodeStateAt | null> {
  const { rows } = await db.query<{ at: Date; state_hash: string; state: unknown }>(
    `select at, state_hash, state from node_state_history where node = $1 and at <= $2 order by at desc, id desc limit 1`,
    [node, at],
  );
  const row = rows[0];
  if (!row) return null;
  const parsed = storedStateSchema.safeParse(row.state);
  if (!parsed.success) throw new Error(`node_state_history for ${node} at ${row.at.toISOString()} is not a node state`);
  return { since: new Date(row.at), hash: row.state_hash, state: parsed.data as unknown as StableNodeState };
}
