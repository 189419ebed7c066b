import 'server-only';
import { genesisHash, sealRecord, type StoredAuditRow } from '../chain';
import { auditRecordSchema, type AuditActor, type AuditEntry } from '../entry';
import type { Queryable } from '../../db';

// The only write path into audit_log. Callers pass their transaction so the record commits or rolls
// back together with the change it records. An advisory lock serialises appenders across processes
// (PostgreSQL); PGlite runs one transaction at a time anyway.
const auditLockKey = 727275;

export interface AuditAppend {
  at: Date;
  actor: AuditActor;
  node: string | null;
  entry: AuditEntry;
}

export async function appendAudit(tx: Queryable, input: AuditAppend): Promise<StoredAuditRow> {
  await tx.query('select pg_advisory_xact_lock($1)', [auditLockKey]);
  const head = await tx.query<{ seq: number; hash: string }>('select seq::int as seq, hash from audit_log order by seq desc limit 1');
  const prev = head.rows[0];
  // Validate before sealing: a malformed record must fail here, not at the next audit:verify.
  const record = auditRecordSchema.parse({
    seq: (prev?.seq ?? 0) + 1,
    at: input.at.toISOString(),
    actor: input.actor,
    node: input.node,
    entry: input.entry,
  });
  const row = sealRecord(record, prev?.hash ?? genesisHash);
  await tx.query('insert into audit_log (seq, at, type, actor, node, prev_hash, hash, body) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
    row.seq,
    row.columns.at,
    row.columns.type,
    row.columns.actor,
    row.columns.node,
    row.prevHash,
    row.hash,
    row.body,
  ]);
  return row;
}
