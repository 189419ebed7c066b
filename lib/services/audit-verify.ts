import 'server-only';
import { ChainVerifier, type ChainVerdict } from '../audit/chain';
import type { Queryable } from '../db';
import { auditColumns, toStoredAuditRow, type AuditDbRow } from './audit-rows';

/** Verifies the whole chain, reading it in pages so a long log does not have to fit in memory. */
export async function verifyAuditLog(db: Queryable, opts: { expectedHeadHash?: string; pageSize?: number } = {}): Promise<ChainVerdict> {
  const verifier = new ChainVerifier(opts);
  const pageSize = opts.pageSize ?? 1000;
  let after = 0;
  for (;;) {
    const page = await db.query<AuditDbRow>(`select ${auditColumns} from audit_log where seq > $1 order by seq limit $2`, [after, pageSize]);
    for (const r of page.rows) {
      const bad = verifier.push(toStoredAuditRow(r));
      if (bad) return bad;
    }
    if (page.rows.length < pageSize) return verifier.finish();
    after = page.rows[page.rows.length - 1]!.seq;
  }
}
