import 'server-only';
import { ChainVerifier, type ChainVerdict } from '../chain';
import type { Queryable } from '../../db';
import { auditColumns, toStoredAuditRow, type AuditDbRow } from './rows';
import { latestAuditAnchor, type AuditAnchor } from './archive';

/**
 * Verifies the whole chain, reading it in pages so a long log does not have to fit in memory. When a prefix
 * was archived (npm run audit:archive), the chain is verified from the anchor: the first record kept must
 * link to the last archived record's hash, which the anchor holds (`archived` says up to where).
 */
export async function verifyAuditLog(
  db: Queryable,
  opts: { expectedHeadHash?: string; pageSize?: number } = {},
): Promise<ChainVerdict & { archived?: AuditAnchor }> {
  const anchor = await latestAuditAnchor(db);
  const first = (await db.query<{ seq: number | null }>('select min(seq)::int as seq from audit_log')).rows[0]?.seq ?? null;
  if (first !== null && first > 1 && anchor?.seq !== first - 1) {
    return { ok: false, count: 0, firstBadSeq: 1, problem: `records 1 to ${first - 1} are missing and no archive anchor covers them` };
  }
  const start = first !== null && first > 1 && anchor ? { seq: anchor.seq + 1, prevHash: anchor.hash } : undefined;
  const verifier = new ChainVerifier({ ...(opts.expectedHeadHash ? { expectedHeadHash: opts.expectedHeadHash } : {}), ...(start ? { start } : {}) });
  const pageSize = opts.pageSize ?? 1000;
  let after = 0;
  for (;;) {
    const page = await db.query<AuditDbRow>(`select ${auditColumns} from audit_log where seq > $1 order by seq limit $2`, [after, pageSize]);
    for (const r of page.rows) {
      const bad = verifier.push(toStoredAuditRow(r));
      if (bad) return bad;
    }
    if (page.rows.length < pageSize) return { ...verifier.finish(), ...(start && anchor ? { archived: anchor } : {}) };
    after = page.rows[page.rows.length - 1]!.seq;
  }
}
