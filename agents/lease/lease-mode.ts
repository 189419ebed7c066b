import { z } from 'zod';
import type { LeaseOptions } from './lease-keeper';

// Whether an agent shares the fleet through leases. `auto` (the default): on PostgreSQL, where other
// agents may share the store, yes; on PGlite, which one process opens, no (the embedded default keeps
// polling every node with no lease traffic at all).

export const leaseModes = ['auto', 'on', 'off'] as const;
export type LeaseMode = (typeof leaseModes)[number];

export function parseLeaseMode(raw: string | undefined): LeaseMode {
  const mode = (raw ?? 'auto').trim() || 'auto';
  if (!(leaseModes as readonly string[]).includes(mode)) throw new Error(`lease mode must be one of ${leaseModes.join(', ')} (got ${JSON.stringify(raw)})`);
  return mode as LeaseMode;
}

export function leaseOptionsFor(mode: LeaseMode, dbKind: 'pglite' | 'postgres', opts: LeaseOptions): LeaseOptions | false {
  if (mode === 'off' || (mode === 'auto' && dbKind === 'pglite')) return false;
  return opts;
}

/** An agent id names the agent in node_leases, logs and /metrics labels: printable, no spaces, bounded. */
const agentIdSchema = z.string().regex(/^[\x21-\x7e]{1,128}$/, 'agent id must be 1-128 printable ASCII characters without spaces');

export function parseAgentId(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parsed = agentIdSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues[0]?.message ?? 'invalid agent id'} (got ${JSON.stringify(raw)})`);
  return parsed.data;
}
