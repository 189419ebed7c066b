import 'server-only';
import type { StoredAuditRow } from '../chain';

// Maps audit_log rows to the domain shape (the one place that knows the column names).
export interface AuditDbRow {
  seq: number;
  at: string;
  type: string;
  actor: string;
  node: string | null;
  prev_hash: string;
  hash: string;
  body: string;
}

export const auditColumns = 'seq::int as seq, at, type, actor, node, prev_hash, hash, body';

export function toStoredAuditRow(r: AuditDbRow): StoredAuditRow {
  return { seq: r.seq, prevHash: r.prev_hash, hash: r.hash, body: r.body, columns: { at: r.at, type: r.type, actor: r.actor, node: r.node } };
}
