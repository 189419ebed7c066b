import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ChainVerifier, genesisHash, type ChainVerdict, type StoredAuditRow } from '../chain';
import type { Db, Queryable } from '../../db';
import { appendAudit } from './append';
import { auditColumns, toStoredAuditRow, type AuditDbRow } from './rows';

// Archiving a prefix of the audit log (issue 17). Retention never prunes the audit log; an admin may move
// its oldest records to a file: the file verifies on its own (from genesis, or from the previous anchor, to
// its last record), the store keeps an anchor (that record's sequence number and hash, and the file's
// sha256), the records up to it are removed, and an `audit.archived` record says so in the chain itself,
// all in one transaction. `npm run audit:verify` then verifies the store from the anchor on, and an archive
// file against its anchor (`--archive <file>`).

export interface AuditAnchor {
  seq: number;
  hash: string;
  archivedAt: string;
  archivedBy: string;
  archiveSha256: string;
  records: number;
}

/** The first line of an archive file: where its chain starts and ends. */
export const archiveHeaderSchema = z.object({
  fnhAuditArchive: z.literal(1),
  from: z.object({ seq: z.number().int().positive(), prevHash: z.string() }),
  through: z.object({ seq: z.number().int().positive(), hash: z.string() }),
  records: z.number().int().positive(),
});
const archiveRowSchema = z.object({
  seq: z.number().int().positive(),
  prevHash: z.string(),
  hash: z.string(),
  body: z.string(),
  columns: z.object({ at: z.string(), type: z.string(), actor: z.string(), node: z.string().nullable() }),
});

export class AuditArchiveError extends Error {}

async function rowsBetween(q: Queryable, from: number, through: number): Promise<StoredAuditRow[]> {
  const { rows } = await q.query<AuditDbRow>(`select ${auditColumns} from audit_log where seq >= $1 and seq <= $2 order by seq`, [from, through]);
  return rows.map(toStoredAuditRow);
}

/**
 * Moves records up to `throughSeq` to an archive: `write` receives the file's text and must have stored it
 * durably when it resolves; only then are the records removed. The newest record always stays (the chain
 * goes on from it).
 */
export async function archiveAuditPrefix(
  db: Pick<Db, 'transaction' | 'query' | 'exec'>,
  opts: { throughSeq: number; archivedBy: string; at?: Date; write: (text: string) => Promise<void> },
): Promise<{ anchor: AuditAnchor; records: number }> {
  const previous = await latestAuditAnchor(db);
  const from = { seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? genesisHash };
  const head = (await db.query<{ seq: number | null }>('select max(seq)::int as seq from audit_log')).rows[0]?.seq ?? 0;
  if (opts.throughSeq < from.seq) throw new AuditArchiveError(`nothing to archive: records up to ${from.seq - 1} are archived already`);
  if (opts.throughSeq >= head) throw new AuditArchiveError(`the newest record (${head}) stays in the log: archive through ${head - 1} at most`);
  const rows = await rowsBetween(db, from.seq, opts.throughSeq);
  const verdict = new ChainVerifier({ start: from });
  for (const r of rows) if (verdict.push(r)) break;
  const checked = verdict.finish();
  if (!checked.ok)
    throw new AuditArchiveError(`the records to archive do not verify (record ${checked.firstBadSeq}: ${checked.problem}); nothing was archived`);
  if (rows.length !== opts.throughSeq - from.seq + 1) throw new AuditArchiveError('records are missing from the range to archive; nothing was archived');
  const last = rows[rows.length - 1]!;
  const header = { fnhAuditArchive: 1 as const, from, through: { seq: last.seq, hash: last.hash }, records: rows.length };
  const text = [JSON.stringify(header), ...rows.map((r) => JSON.stringify(r))].join('\n') + '\n';
  const archiveSha256 = createHash('sha256').update(text).digest('hex');
  await opts.write(text);
  const at = opts.at ?? new Date();
  await db.transaction(async (tx) => {
    await tx.query(`insert into audit_anchor (seq, hash, archived_at, archived_by, archive_sha256, records) values ($1, $2, $3, $4, $5, $6)`, [
      last.seq,
      last.hash,
      at,
      opts.archivedBy,
      archiveSha256,
      rows.length,
    ]);
    await tx.query(`delete from audit_log where seq <= $1`, [last.seq]);
    await appendAudit(tx, {
      at,
      actor: { username: opts.archivedBy, role: 'admin' },
      node: null,
      entry: { type: 'audit.archived', fromSeq: from.seq, throughSeq: last.seq, throughHash: last.hash, archiveSha256 },
    });
  });
  return {
    anchor: { seq: last.seq, hash: last.hash, archivedAt: at.toISOString(), archivedBy: opts.archivedBy, archiveSha256, records: rows.length },
    records: rows.length,
  };
}

/** Verifies an archive file on its own, and against the store's anchor when one names its last record. */
export function verifyArchiveText(
  text: string,
  anchors: readonly AuditAnchor[] = [],
): ChainVerdict & { through?: { seq: number; hash: string }; anchorMatches?: boolean } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = archiveHeaderSchema.safeParse(JSON.parse(lines[0] ?? 'null'));
  if (!header.success) return { ok: false, count: 0, firstBadSeq: 0, problem: 'not an audit archive (bad header line)' };
  const verifier = new ChainVerifier({ start: header.data.from, expectedHeadHash: header.data.through.hash });
  for (const line of lines.slice(1)) {
    const row = archiveRowSchema.safeParse(JSON.parse(line));
    if (!row.success) return { ok: false, count: 0, firstBadSeq: 0, problem: 'a line of the archive is not an audit record' };
    const bad = verifier.push(row.data);
    if (bad) return bad;
  }
  const verdict = verifier.finish();
  if (!verdict.ok) return verdict;
  const anchor = anchors.find((a) => a.seq === header.data.through.seq);
  const sha = createHash('sha256').update(text).digest('hex');
  return {
    ...verdict,
    through: header.data.through,
    ...(anchor ? { anchorMatches: anchor.hash === header.data.through.hash && anchor.archiveSha256 === sha } : {}),
  };
}

export async function allAuditAnchors(q: Queryable): Promise<AuditAnchor[]> {
  const { rows } = await q.query<{ seq: number; hash: string; archived_at: Date; archived_by: string; archive_sha256: string; records: number }>(
    `select seq::int as seq, hash, archived_at, archived_by, archive_sha256, records from audit_anchor order by seq`,
  );
  return rows.map((a) => ({
    seq: a.seq,
    hash: a.hash,
    archivedAt: a.archived_at.toISOString(),
    archivedBy: a.archived_by,
    archiveSha256: a.archive_sha256,
    records: a.records,
  }));
}

export async function latestAuditAnchor(q: Queryable): Promise<AuditAnchor | null> {
  return (await allAuditAnchors(q)).at(-1) ?? null;
}
