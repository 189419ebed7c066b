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
